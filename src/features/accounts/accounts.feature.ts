import { Router } from 'express';
import type { Services } from '../../services.ts';
import type { Deps } from '../../deps.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { createAccountRouter } from './account.routes.ts';
import { createPasswordResetRouter } from './password-reset.routes.ts';
import { createPendingAccounts } from './pending-accounts.ts';
import { createPendingAccountsRouter } from './pending-accounts.routes.ts';
import { createRegistrationRouter } from './registration.routes.ts';
import { createSignInRouter } from './sign-in.routes.ts';

/** Registration, activation, sign-in and out, password reset and the account page. */
export function createAccountsRouter(
  deps: Deps,
  hubEntries: readonly HubEntry[],
  services: Pick<Services, 'accounts' | 'profile'>,
  itemsFor?: Parameters<typeof createAccountRouter>[3],
): Router {
  const { accounts, profile } = services;
  const router = Router();
  router.use(createRegistrationRouter(accounts, hubEntries));
  router.use(createPendingAccountsRouter(createPendingAccounts(deps)));
  router.use(createSignInRouter(accounts, deps.db, () => deps.clock.now()));
  router.use(createPasswordResetRouter(accounts));
  router.use(createAccountRouter(deps.db, profile, hubEntries, itemsFor));
  return router;
}

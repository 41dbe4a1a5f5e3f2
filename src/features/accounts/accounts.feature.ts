import { Router } from 'express';
import type { Services } from '../../services.ts';
import type { Deps } from '../../deps.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { accountItems, type AccountItemsFor } from './account-page.ts';
import { createAccountRouter } from './account.routes.ts';
import { createActivationRouter } from './activation.routes.ts';
import { createEmailChangeRouter } from './email-change.routes.ts';
import { createPasswordResetRouter } from './password-reset.routes.ts';
import { createPendingAccountsRouter } from './pending-accounts.routes.ts';
import { createRegistrationRouter } from './registration.routes.ts';
import { createSignInRouter } from './sign-in.routes.ts';

type AccountServices = Pick<
  Services,
  | 'registration'
  | 'activation'
  | 'pendingAccounts'
  | 'signIn'
  | 'passwordReset'
  | 'profile'
  | 'emailChange'
>;

/** Registration, activation, sign-in and out, password reset and the account page. */
export function createAccountsRouter(
  deps: Deps,
  hubEntries: readonly HubEntry[],
  services: AccountServices,
  itemsFor: AccountItemsFor = () => Promise.resolve([]),
): Router {
  const router = Router();
  const signInOptions = deps.modules.flatMap((module) => module.signInOptions?.(deps.config) ?? []);
  router.use(createRegistrationRouter(services, hubEntries, signInOptions));
  router.use(createActivationRouter(services));
  router.use(createPendingAccountsRouter(services));
  router.use(createSignInRouter(services, () => deps.clock.now(), signInOptions));
  router.use(createPasswordResetRouter(services));
  router.use('/account', accountItems(itemsFor));
  router.use(createAccountRouter(services, hubEntries));
  router.use(createEmailChangeRouter(services, hubEntries));
  return router;
}

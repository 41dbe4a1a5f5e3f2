import { moduleConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { createAccountsService } from './features/accounts/accounts.service.ts';
import { createProfileService } from './features/accounts/profile.service.ts';
import { createStaffUsersService } from './features/admin/staff/staff-users.service.ts';
import { decisionsConfig } from './features/decisions/decisions.config.ts';
import { createDecisionsService } from './features/decisions/decisions.service.ts';
import {
  createDiavgeiaClient,
  type DiavgeiaClient,
} from './features/decisions/staff/diavgeia.client.ts';
import { createDecisionsEditor } from './features/decisions/staff/decisions-editor.service.ts';
import { createContactCorrection } from './features/identity/staff/contact-correction.service.ts';
import { createCounterService } from './features/identity/staff/counter.service.ts';

/** The clients of outside services: built from the config, or given (a test's stand-in). */
export interface Clients {
  diavgeia: DiavgeiaClient;
}

/**
 * The composition root's second half: every service built once, from the shared deps and the
 * outside clients, and handed to the routers through the module context. A router never builds
 * a service or a client.
 */
export function createServices(deps: Deps, clients: Partial<Clients> = {}) {
  const accounts = createAccountsService(deps);
  const diavgeia =
    clients.diavgeia ??
    createDiavgeiaClient({ baseUrl: moduleConfig(deps.config, decisionsConfig).DIAVGEIA_BASE_URL });
  return {
    accounts,
    profile: createProfileService(deps, accounts),
    staffUsers: createStaffUsersService(deps),
    counter: createCounterService(deps, accounts),
    contactCorrection: createContactCorrection(deps),
    decisions: createDecisionsService(deps.db, deps.contentCache),
    decisionsEditor: createDecisionsEditor(deps, diavgeia),
    diavgeia,
  };
}

export type Services = ReturnType<typeof createServices>;

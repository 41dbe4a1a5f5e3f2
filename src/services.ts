import { moduleConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { bindDeps } from './lib/bind-deps.ts';
import {
  activate,
  checkActivation,
  resendActivation,
  sendActivationAgain,
} from './features/accounts/activation.service.ts';
import {
  checkEmailChange,
  confirmEmailChange,
  requestEmailChange,
} from './features/accounts/email-change.service.ts';
import {
  checkPasswordReset,
  requestPasswordReset,
  resetPassword,
  sendPasswordReset,
} from './features/accounts/password-reset.service.ts';
import { cancelRegistration, checkCancelLink } from './features/accounts/pending-accounts.ts';
import { changePostalAddress } from './features/accounts/postal-address.ts';
import { changePassword, changePhone, newPin } from './features/accounts/profile.service.ts';
import { register } from './features/accounts/registration.service.ts';
import { signIn, signOut } from './features/accounts/sign-in.service.ts';
import { acceptInvite, checkInvite, invite } from './features/admin/staff/staff-invites.service.ts';
import {
  findStaffUser,
  listStaff,
  setDisabled,
  setRoles,
} from './features/admin/staff/staff-users.service.ts';
import { decisionsConfig } from './features/decisions/decisions.config.ts';
import { createDecisionsService } from './features/decisions/decisions.service.ts';
import {
  createDiavgeiaClient,
  type DiavgeiaClient,
} from './features/decisions/staff/diavgeia.client.ts';
import { createDecisionsEditor } from './features/decisions/staff/decisions-editor.service.ts';
import { correctContact } from './features/identity/staff/contact-correction.service.ts';
import {
  findCitizen,
  findCitizens,
  identityChecks,
  resendActivation as resendActivationAtCounter,
  revokeIdentity,
  verifyIdentity,
} from './features/identity/staff/counter.service.ts';

/** The clients of outside services: built from the config, or given (a test's stand-in). */
export interface Clients {
  diavgeia: DiavgeiaClient;
}

/**
 * The composition root's second half: every service built once, from the shared deps and the
 * outside clients, and handed to the routers through the module context (and to the worker's
 * jobs). A router never builds a service or a client. A service is a module's named functions,
 * each taking the deps it uses, given them here (lib/bind-deps.ts).
 */
export function createServices(deps: Deps, clients: Partial<Clients> = {}) {
  const diavgeia =
    clients.diavgeia ??
    createDiavgeiaClient({ baseUrl: moduleConfig(deps.config, decisionsConfig).DIAVGEIA_BASE_URL });
  return {
    registration: bindDeps(deps, { register }),
    activation: bindDeps(deps, {
      checkActivation,
      activate,
      resendActivation,
      sendActivationAgain,
    }),
    pendingAccounts: bindDeps(deps, { checkCancelLink, cancelRegistration }),
    signIn: bindDeps(deps, { signIn, signOut }),
    passwordReset: bindDeps(deps, {
      requestPasswordReset,
      sendPasswordReset,
      checkPasswordReset,
      resetPassword,
    }),
    profile: bindDeps(deps, { newPin, changePhone, changePassword, changePostalAddress }),
    emailChange: bindDeps(deps, { requestEmailChange, checkEmailChange, confirmEmailChange }),
    staffUsers: bindDeps(deps, {
      listStaff,
      findStaffUser,
      setRoles,
      setDisabled,
      invite,
      checkInvite,
      acceptInvite,
    }),
    counter: bindDeps(deps, {
      findCitizen,
      findCitizens,
      identityChecks,
      verifyIdentity,
      revokeIdentity,
      resendActivation: resendActivationAtCounter,
      correctContact,
    }),
    decisions: createDecisionsService(deps.db, deps.contentCache),
    decisionsEditor: createDecisionsEditor(deps, diavgeia),
    diavgeia,
  };
}

export type Services = ReturnType<typeof createServices>;

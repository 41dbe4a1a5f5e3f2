import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import {
  activate,
  checkActivation,
  resendActivation,
  sendActivationAgain,
} from './activation.service.ts';
import {
  checkEmailChange,
  confirmEmailChange,
  requestEmailChange,
} from './email-change.service.ts';
import {
  checkPasswordReset,
  requestPasswordReset,
  resetPassword,
  sendPasswordReset,
} from './password-reset.service.ts';
import { cancelRegistration, checkCancelLink } from './pending-accounts.ts';
import { changePostalAddress } from './postal-address.ts';
import { changePassword, changePhone, newPin, setPassword } from './profile.service.ts';
import { register } from './registration.service.ts';
import { signIn, signOut } from './sign-in.service.ts';

/** The accounts module's services, each a set of named functions given the deps once. */
export function accountsServices(deps: Deps) {
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
    profile: bindDeps(deps, {
      newPin,
      changePhone,
      changePassword,
      setPassword,
      changePostalAddress,
    }),
    emailChange: bindDeps(deps, { requestEmailChange, checkEmailChange, confirmEmailChange }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof accountsServices> {}
}

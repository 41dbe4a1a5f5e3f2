import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { correctContact } from './staff/contact-correction.service.ts';
import {
  findCitizen,
  findCitizens,
  identityChecks,
  resendActivation,
  revokeIdentity,
  verifyIdentity,
} from './staff/counter.service.ts';

/** The clerk's counter: finding a citizen, the identity check, contact corrections. */
export function identityServices(deps: Deps) {
  return {
    counter: bindDeps(deps, {
      findCitizen,
      findCitizens,
      identityChecks,
      verifyIdentity,
      revokeIdentity,
      resendActivation,
      correctContact,
    }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof identityServices> {}
}

import type { Deps } from '../../deps.ts';
import { debtStatus } from '../dues/debt-status.ts';
import { createCertificateService } from './certificates.service.ts';

/**
 * Certificates for the web pages, the clerk's queue and the phone portal (option 1: a type, a
 * person and a delivery method): `services.certificates.apply(…)` etc.
 */
export function certificatesServices(deps: Deps) {
  return {
    certificates: createCertificateService(deps, { debtStatus: (afm) => debtStatus(deps, afm) }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof certificatesServices> {}
}

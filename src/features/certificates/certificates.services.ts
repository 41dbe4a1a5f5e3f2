import type { Deps } from '../../deps.ts';
import { debtStatus } from '../dues/debt-status.ts';
import { createCertificateService } from './certificates.service.ts';

/**
 * Certificates for the web pages, the clerk's queue and the phone portal (option 1: a type, a
 * person and a delivery method): `services.certificates.apply(…)` etc.
 */
export function certificatesServices(deps: Deps) {
  const certificates = createCertificateService(deps, {
    debtStatus: (afm) => debtStatus(deps, afm),
  });
  // The seal read (in development, made) now, not at the first citizen's issue: a wrong file or
  // passphrase is in the log from the start. Tests make theirs when they first issue.
  if (deps.config.NODE_ENV !== 'test') void certificates.seal().catch(() => undefined);
  return { certificates };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof certificatesServices> {}
}

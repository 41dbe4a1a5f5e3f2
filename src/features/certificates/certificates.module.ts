import { localesBeside, type Module } from '../module.ts';
import { certificatesConfig } from './certificates.config.ts';
import { seedCertificateTypes } from './certificates.reference.ts';
import { createCertificatesRouter } from './certificates.routes.ts';
import { certificatesServices } from './certificates.services.ts';
import { createCatalogueRouter } from './staff/catalogue.routes.ts';
import { createQueueRouter } from './staff/queue.routes.ts';
import { createVerifyRouter } from './verify/verify.routes.ts';
import * as certificates from './migrations/20261222090100_certificates.ts';
import * as notify from './migrations/20261222090200_certificates_notify.ts';

/**
 * Certificates (πιστοποιητικά): the catalogue of types, identity-verified citizens' applications,
 * the clerk's queue, instant issue where the roll or debtStatus holds every field, signed PDFs
 * with a verification code and QR code, and the public verification page.
 */
export const certificatesModule: Module = {
  name: 'certificates',
  services: certificatesServices,
  routes: (ctx) => {
    const router = createCertificatesRouter(ctx);
    router.use(createVerifyRouter(ctx));
    return router;
  },
  staff: [
    // The catalogue first: its prefix is longer than the queue's, which would take its paths.
    { prefix: '/certificates/catalogue', role: 'admin', navKey: 'staff.nav.certificateCatalogue', router: createCatalogueRouter },
    { prefix: '/certificates', role: 'clerk', navKey: 'staff.nav.certificates', router: createQueueRouter },
  ],
  config: certificatesConfig,
  referenceData: seedCertificateTypes,
  auditActions: [
    'certificates.applied',
    'certificates.started',
    'certificates.issued',
    'certificates.corrected',
    'certificates.rejected',
    'certificates.delivery',
    'certificates.revoked',
    'certificates.type_saved',
  ],
  migrations: {
    '20261222090100_certificates': certificates,
    '20261222090200_certificates_notify': notify,
  },
  locales: localesBeside(import.meta.url, ['citizen', 'staff', 'verify']),
};

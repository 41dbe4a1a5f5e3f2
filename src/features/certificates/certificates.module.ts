import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { certificatesConfig } from './certificates.config.ts';
import { seedDemoCertificates } from './certificates.demo.ts';
import { seedCertificateTypes } from './certificates.reference.ts';
import {
  CERTIFICATES_HUB_ENTRY,
  createCertificatesRouter,
  openApplicationsSummary,
} from './certificates.routes.ts';
import {
  eraseCertificates,
  exportCertificateFiles,
  exportCertificates,
} from './certificates.personal.ts';
import { certificatesServices } from './certificates.services.ts';
import { createCatalogueRouter } from './staff/catalogue.routes.ts';
import { createQueueRouter } from './staff/queue.routes.ts';
import { earlyVerifyPages } from './verify/verify-kept.ts';
import { createVerifyRouter, VERIFY_PUBLIC_FORMS } from './verify/verify.routes.ts';
import * as certificates from './migrations/20261222090100_certificates.ts';
import * as notify from './migrations/20261222090200_certificates_notify.ts';
import * as phoneStep from './migrations/20261226090300_application_phone_step.ts';
import * as withdrawn from './migrations/20261230110100_application_withdrawn.ts';

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
  // /verify and /verify/<code>, its file comparison too: no session, no CSRF (verify.routes.ts).
  publicForms: VERIFY_PUBLIC_FORMS,
  hubEntry: CERTIFICATES_HUB_ENTRY,
  sessionPaths: ['certificates'],
  accountSummary: openApplicationsSummary,
  privacyNotice: {
    headingKey: 'certificates.citizen.privacy.heading',
    bodyKey: 'certificates.citizen.privacy.body',
  },
  emails: emailsBeside(import.meta.url),
  // A certificate's verification page, kept per language and day, answered before Express.
  earlyPages: earlyVerifyPages,
  staff: [
    // The catalogue first: its prefix is longer than the queue's, which would take its paths.
    {
      prefix: '/certificates/catalogue',
      role: 'admin',
      navKey: 'staff.nav.certificateCatalogue',
      router: createCatalogueRouter,
    },
    {
      prefix: '/certificates',
      role: 'clerk',
      navKey: 'staff.nav.certificates',
      router: createQueueRouter,
    },
  ],
  config: certificatesConfig,
  referenceData: seedCertificateTypes,
  // After the roll's demo (features/index.ts lists roll first): demo.verified's applications.
  demo: { seed: seedDemoCertificates },
  auditActions: [
    'certificates.applied',
    'certificates.started',
    'certificates.issued',
    'certificates.corrected',
    'certificates.rejected',
    'certificates.delivery',
    'certificates.revoked',
    'certificates.type_saved',
    'certificates.withdrawn',
  ],
  exportFor: exportCertificates,
  exportFiles: exportCertificateFiles,
  // Issued certificates and their verification stay, as the law keeps them (see the function).
  eraseFor: eraseCertificates,
  migrations: {
    '20261222090100_certificates': certificates,
    '20261222090200_certificates_notify': notify,
    '20261226090300_application_phone_step': phoneStep,
    '20261230110100_application_withdrawn': withdrawn,
  },
  locales: localesBeside(import.meta.url, ['citizen', 'staff', 'verify']),
};

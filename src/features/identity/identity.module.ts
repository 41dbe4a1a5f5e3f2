import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { eraseIdentityChecks, exportIdentityChecks } from './identity.personal.ts';
import { identityServices } from './identity.services.ts';
import { DEMO_CLERK } from './identity.demo.ts';
import { createCounterRouter } from './staff/counter.routes.ts';
import * as backOffice from './migrations/20261121130000_back_office.ts';
import * as documentHash from './migrations/20261201130000_identity_document_hash.ts';
import * as clerkRole from './migrations/20261201150300_role_clerk.ts';
import * as checkChannel from './migrations/20261229085900_identity_check_channel.ts';
import * as checkErasure from './migrations/20261230110200_identity_check_erasure.ts';

/** The in-person identity check at the counter, which opens the services that need it. */
export const identityModule: Module = {
  name: 'identity',
  services: identityServices,
  staff: [
    {
      prefix: '/citizens',
      role: 'clerk',
      navKey: 'staff.nav.citizens',
      router: (ctx) => createCounterRouter(ctx.deps, ctx.hubEntries, ctx.services),
    },
  ],
  roles: [{ name: 'clerk', labelKey: 'staff.roles.clerk' }],
  auditActions: [
    'identity.verified',
    'identity.revoked',
    'citizen.activation_resent',
    'citizen.phone_corrected',
    'citizen.email_corrected',
  ],
  demo: { accounts: [DEMO_CLERK] },
  privacyNotice: { headingKey: 'identity.privacy.heading', bodyKey: 'identity.privacy.body' },
  exportFor: exportIdentityChecks,
  eraseFor: eraseIdentityChecks,
  migrations: {
    '20261121130000_back_office': backOffice,
    '20261201130000_identity_document_hash': documentHash,
    '20261201150300_role_clerk': clerkRole,
    '20261229085900_identity_check_channel': checkChannel,
    '20261230110200_identity_check_erasure': checkErasure,
  },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

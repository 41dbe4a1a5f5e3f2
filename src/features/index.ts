import { accessibilityModule } from './accessibility/accessibility.module.ts';
import { accountsModule } from './accounts/accounts.module.ts';
import { adminModule } from './admin/admin.module.ts';
import { apiModule } from './api/api.module.ts';
import { benefitsModule } from './benefits/benefits.module.ts';
import { certificatesModule } from './certificates/certificates.module.ts';
import { decisionsModule } from './decisions/decisions.module.ts';
import { duesModule } from './dues/dues.module.ts';
import { financeModule } from './finance/finance.module.ts';
import { finesModule } from './fines/fines.module.ts';
import { healthModule } from './health/health.module.ts';
import { identityModule } from './identity/identity.module.ts';
import { kepModule } from './kep/kep.module.ts';
import { mailModule } from './mail/mail.module.ts';
import type { Module } from './module.ts';
import { open311Module } from './open311/open311.module.ts';
import { phoneModule } from './phone/phone.module.ts';
import { privacyModule } from './privacy/privacy.module.ts';
import { pollsModule } from './polls/polls.module.ts';
import { requestsModule } from './requests/requests.module.ts';
import { rollModule } from './roll/roll.module.ts';
import { siteModule } from './site/site.module.ts';
import { taxisnetModule } from './taxisnet/taxisnet.module.ts';

/**
 * Every capability of the portal, once. The order is the order of the hub's cards, the staff
 * navigation and the routes. A new capability is a folder with its `<name>.module.ts` and a line here.
 */
export const MODULES: readonly Module[] = [
  siteModule,
  accountsModule,
  taxisnetModule,
  decisionsModule,
  benefitsModule,
  healthModule,
  requestsModule,
  open311Module,
  finesModule,
  duesModule,
  rollModule,
  certificatesModule,
  kepModule,
  pollsModule,
  phoneModule,
  financeModule,
  identityModule,
  adminModule,
  apiModule,
  accessibilityModule,
  mailModule,
  privacyModule,
];

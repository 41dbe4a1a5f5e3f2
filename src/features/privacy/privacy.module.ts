import { emailsBeside, localesBeside, type Module } from '../module.ts';
import * as retentionRuns from './migrations/20261230090000_retention_runs.ts';
import * as dataExports from './migrations/20261230090100_data_exports.ts';
import * as usersErased from './migrations/20261230090200_users_erased.ts';

/**
 * The citizen's own data (GDPR): the download of everything the portal holds about them
 * (/account/data), the deletion of their account (/account/delete), and the retention rules'
 * runs, shown to admins at /staff/retention. Each module says what it holds (`exportFor`,
 * `exportFiles`), how it is erased (`eraseFor`) and when it is deleted (`retention`).
 */
export const privacyModule: Module = {
  name: 'privacy',
  auditActions: ['retention.ran'],
  migrations: {
    '20261230090000_retention_runs': retentionRuns,
    '20261230090100_data_exports': dataExports,
    '20261230090200_users_erased': usersErased,
  },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { EXPORT_QUEUE, EXPORT_QUEUE_POLICY, failExport, prepareExport } from './data-export.ts';
import { deleteSpentExports, eraseExports, exportExports } from './exports-retention.ts';
import { createPrivacyRouter } from './privacy.routes.ts';
import { createRetentionRouter } from './staff/retention.routes.ts';
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
  routes: createPrivacyRouter,
  staff: [
    {
      prefix: '/retention',
      role: 'admin',
      navKey: 'staff.nav.retention',
      router: createRetentionRouter,
    },
  ],
  jobs: [
    {
      name: EXPORT_QUEUE,
      queue: EXPORT_QUEUE_POLICY,
      run: async (deps, data) => {
        const { exportId } = data as { exportId: number };
        try {
          await prepareExport(deps, exportId);
        } catch (error) {
          deps.logger.error({ err: error, exportId }, 'data export failed');
          await failExport(deps, exportId);
        }
      },
    },
  ],
  retention: [
    {
      name: 'privacy.exports',
      labelKey: 'privacy.retention.exports',
      schedule: '12 * * * *',
      run: deleteSpentExports,
    },
  ],
  privacyNotice: { headingKey: 'privacy.notice.heading', bodyKey: 'privacy.notice.body' },
  exportFor: exportExports,
  eraseFor: eraseExports,
  auditActions: [
    'retention.ran',
    'retention.run_requested',
    'privacy.export_requested',
    'privacy.export_downloaded',
    'privacy.deletion_requested',
    'privacy.account_erased',
  ],
  migrations: {
    '20261230090000_retention_runs': retentionRuns,
    '20261230090100_data_exports': dataExports,
    '20261230090200_users_erased': usersErased,
  },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { accountsServices } from './accounts.services.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE } from '../mail/mail-queue.ts';
import { DEMO_CITIZENS } from './accounts.demo.ts';
import { startAccountMailRequestsWorker } from './account-mail-requests.ts';
import { createAccountsRouter } from './accounts.feature.ts';
import { deleteStalePendingAccounts } from './pending-accounts.ts';
import { deleteSpentLinks, eraseAccount, exportAccount } from './accounts.personal.ts';
import { readSetting } from '../settings/settings.ts';
import * as users from './migrations/20261121110000_users.ts';
import * as usersNotify from './migrations/20261121120100_users_notify.ts';
import * as signInFailures from './migrations/20261122090000_sign_in_failures.ts';
import * as dropLockColumns from './migrations/20261122090100_users_drop_lock_columns.ts';
import * as credentialVersion from './migrations/20261201110000_users_credential_version.ts';
import * as resetTokensEnd from './migrations/20261201110100_reset_tokens_end_with_password.ts';
import * as registrationCancel from './migrations/20261201120000_registration_cancel.ts';
import * as rolesFromTable from './migrations/20261201150100_users_roles_from_table.ts';
import * as postalAddress from './migrations/20261201190000_users_postal_address.ts';
import * as oneTimeLinks from './migrations/20261202100000_one_time_links.ts';
import * as linksWithoutAccount from './migrations/20261202100100_one_time_links_without_account.ts';
import * as openPurposes from './migrations/20261202100200_one_time_links_open_purposes.ts';
import * as usersTaxisnet from './migrations/20261227090000_users_taxisnet.ts';

/** Citizens' accounts: registration, activation, sign-in and out, password reset, the account page. */
export const accountsModule: Module = {
  name: 'accounts',
  services: accountsServices,
  routes: (ctx) =>
    createAccountsRouter(ctx.deps, ctx.hubEntries, ctx.services, async (user, req) => {
      const items = [];
      for (const module of ctx.deps.modules) {
        const item = await module.accountSummary?.(ctx, user, req);
        if (item) items.push({ text: req.t(item.textKey, item.params), href: item.href });
      }
      return items;
    }),
  sessionPaths: ['login', 'logout', 'register', 'activate', 'password-reset', 'account'],
  jobs: [{ name: ACCOUNT_MAIL_REQUESTS_QUEUE, start: startAccountMailRequestsWorker }],
  retention: [
    {
      name: 'accounts.pending-cleanup',
      labelKey: 'accounts.retention.pending',
      settingKey: 'accounts.pendingAccountDays',
      schedule: '23 * * * *',
      run: async (deps) =>
        deleteStalePendingAccounts(
          deps.db,
          deps.clock,
          await readSetting(deps, 'accounts.pendingAccountDays'),
        ),
    },
    {
      name: 'accounts.spent-links',
      labelKey: 'accounts.retention.links',
      schedule: '27 3 * * *',
      run: (deps) => deleteSpentLinks(deps.db, deps.clock),
    },
  ],
  settings: [
    {
      key: 'accounts.pendingAccountDays',
      labelKey: 'accounts.settings.pendingAccountDays.label',
      hintKey: 'accounts.settings.pendingAccountDays.hint',
      min: 1,
      max: 365,
      default: (config) => config.PENDING_ACCOUNT_DAYS,
    },
  ],
  auditActions: [
    'account.registered',
    'account.registration_attempted',
    'account.registration_cancelled',
    'account.pending_deleted',
    'account.activated',
    'account.activation_resent',
    'auth.signed_in',
    'auth.signed_out',
    'auth.failed',
    'auth.locked',
    'account.password_changed',
    'account.password_reset_requested',
    'account.password_reset',
    'account.pin_changed',
    'account.phone_changed',
    'account.email_change_requested',
    'account.email_change_refused',
    'account.email_changed',
    'account.address_changed',
    'account.password_set',
  ],
  exportFor: exportAccount,
  eraseFor: eraseAccount,
  demo: { accounts: DEMO_CITIZENS },
  privacyNotice: {
    headingKey: 'accounts.privacy.heading',
    bodyKey: 'accounts.privacy.body',
    params: async (deps) => ({ days: await readSetting(deps, 'accounts.pendingAccountDays') }),
  },
  migrations: {
    '20261121110000_users': users,
    '20261121120100_users_notify': usersNotify,
    '20261122090000_sign_in_failures': signInFailures,
    '20261122090100_users_drop_lock_columns': dropLockColumns,
    '20261201110000_users_credential_version': credentialVersion,
    '20261201110100_reset_tokens_end_with_password': resetTokensEnd,
    '20261201120000_registration_cancel': registrationCancel,
    '20261201150100_users_roles_from_table': rolesFromTable,
    '20261201190000_users_postal_address': postalAddress,
    '20261202100000_one_time_links': oneTimeLinks,
    '20261202100100_one_time_links_without_account': linksWithoutAccount,
    '20261202100200_one_time_links_open_purposes': openPurposes,
    '20261227090000_users_taxisnet': usersTaxisnet,
  },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

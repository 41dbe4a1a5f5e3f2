import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { adminServices } from './admin.services.ts';
import { DEMO_ADMIN } from './admin.demo.ts';
import { createInviteRouter } from './staff/invite.routes.ts';
import { createStaffUsersRouter } from './staff/staff-users.routes.ts';
import { createAuditLogRouter } from './staff/audit-log.routes.ts';
import { createSettingsRouter } from '../settings/staff/settings.routes.ts';
import * as adminRole from './migrations/20261201150400_role_admin.ts';

/** Staff accounts (invitations, roles, disabling) and the audit log. */
export const adminModule: Module = {
  name: 'admin',
  services: adminServices,
  routes: (ctx) => createInviteRouter(ctx.deps, ctx.services.staffUsers),
  sessionPaths: ['invite'],
  staff: [
    {
      prefix: '/users',
      role: 'admin',
      navKey: 'staff.nav.users',
      router: (ctx) => createStaffUsersRouter(ctx.deps, ctx.services.staffUsers),
    },
    {
      prefix: '/settings',
      role: 'admin',
      navKey: 'staff.nav.settings',
      router: (ctx) => createSettingsRouter(ctx.deps),
    },
    {
      prefix: '/audit',
      role: 'admin',
      navKey: 'staff.nav.audit',
      router: (ctx) => createAuditLogRouter(ctx.deps),
    },
  ],
  roles: [{ name: 'admin', labelKey: 'staff.roles.admin' }],
  auditActions: [
    'staff.created',
    'staff.invited',
    'staff.activated',
    'staff.roles_changed',
    'staff.disabled',
    'staff.enabled',
    'setting.changed',
  ],
  demo: { accounts: [DEMO_ADMIN] },
  privacyNotice: { headingKey: 'admin.privacy.heading', bodyKey: 'admin.privacy.body' },
  migrations: { '20261201150400_role_admin': adminRole },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

import { localesBeside, type Module } from '../module.ts';
import { createApiKeysRouter } from './staff/api-keys.routes.ts';
import * as apiKeys from './migrations/20261201170000_api_keys.ts';

/**
 * The machine areas' keys: admins give each application that calls the API (/api/v1, Open311) a
 * key with the scopes it needs, and revoke it. The area itself is `api-area.ts`; modules plug
 * their endpoints into it with `api` and declare their scopes with `apiScopes`.
 */
export const apiModule: Module = {
  name: 'api',
  staff: [
    {
      prefix: '/api-keys',
      role: 'admin',
      navKey: 'staff.nav.apiKeys',
      router: (ctx) => createApiKeysRouter(ctx.deps),
    },
  ],
  auditActions: ['api_key.created', 'api_key.revoked'],
  migrations: { '20261201170000_api_keys': apiKeys },
  locales: localesBeside(import.meta.url),
};

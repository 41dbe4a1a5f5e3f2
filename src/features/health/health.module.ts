import { localesBeside, type Module } from '../module.ts';
import { createContentEditorRouter } from '../staff/content/content-editor.routes.ts';
import { HEALTH } from './staff/health.content.ts';
import { seedDemoHealthServices } from './health.demo.ts';
import { createHealthRouter, HEALTH_HUB_ENTRY } from './health.routes.ts';

/** Municipal health services: the public pages and the editors' screens (its table is made with the benefits'). */
export const healthModule: Module = {
  name: 'health',
  routes: (ctx) => createHealthRouter(ctx.deps),
  hubEntry: HEALTH_HUB_ENTRY,
  staff: [
    {
      prefix: '/health',
      role: 'editor',
      navKey: 'staff.nav.health',
      router: (ctx) => createContentEditorRouter(ctx.deps, HEALTH),
    },
  ],
  auditActions: [
    'health_service.created',
    'health_service.updated',
    'health_service.published',
    'health_service.unpublished',
    'health_service.reordered',
  ],
  publicPages: [{ path: /\/health(?:\/[a-z0-9-]{1,100})?/ }],
  demo: { seed: seedDemoHealthServices },
  locales: localesBeside(import.meta.url),
};

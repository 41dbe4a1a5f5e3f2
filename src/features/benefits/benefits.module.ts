import { localesBeside, type Module } from '../module.ts';
import { createContentEditorRouter } from '../staff/content/content-editor.routes.ts';
import { BENEFITS } from './staff/benefits.content.ts';
import { BENEFITS_HUB_ENTRY, createBenefitsRouter } from './benefits.routes.ts';
import { seedDemoBenefits } from './benefits.demo.ts';
import * as benefitsAndHealth from './migrations/20261121090300_benefits_and_health.ts';

/** Municipal benefits: the public pages and the editors' screens. */
export const benefitsModule: Module = {
  name: 'benefits',
  routes: (ctx) => createBenefitsRouter(ctx.deps),
  hubEntry: BENEFITS_HUB_ENTRY,
  staff: [
    {
      prefix: '/benefits',
      role: 'editor',
      navKey: 'staff.nav.benefits',
      router: (ctx) => createContentEditorRouter(ctx.deps, BENEFITS),
    },
  ],
  auditActions: [
    'benefit.created',
    'benefit.updated',
    'benefit.published',
    'benefit.unpublished',
    'benefit.reordered',
  ],
  publicPages: [{ path: /\/benefits(?:\/[a-z0-9-]{1,100})?/ }],
  demo: { seed: seedDemoBenefits },
  migrations: { '20261121090300_benefits_and_health': benefitsAndHealth },
  locales: localesBeside(import.meta.url),
};

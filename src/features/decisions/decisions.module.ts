import { localesBeside, type Module } from '../module.ts';
import { decisionsServices } from './decisions.services.ts';
import { decisionsConfig } from './decisions.config.ts';
import { DEMO_EDITOR, seedDecisionCategories, seedDemoDecisions } from './decisions.demo.ts';
import { createDecisionsRouter, DECISIONS_HUB_ENTRY } from './decisions.routes.ts';
import { createDecisionsEditorRouter } from './staff/decisions-editor.routes.ts';
import * as decisions from './migrations/20261121090200_decisions.ts';
import * as editorRole from './migrations/20261201150200_role_editor.ts';

/** Council decisions: the public register, search and feed; the editors' screens and the Diavgeia import. */
export const decisionsModule: Module = {
  name: 'decisions',
  services: decisionsServices,
  routes: (ctx) => createDecisionsRouter(ctx.deps, ctx.services.decisions),
  hubEntry: DECISIONS_HUB_ENTRY,
  staff: [
    {
      prefix: '/decisions',
      role: 'editor',
      navKey: 'staff.nav.decisions',
      router: (ctx) =>
        createDecisionsEditorRouter(ctx.deps, ctx.protectUpload, ctx.services.decisionsEditor),
    },
  ],
  uploadPaths: [/^\/staff\/decisions\/(new|\d+)$/],
  roles: [{ name: 'editor', labelKey: 'staff.roles.editor' }],
  auditActions: [
    'decision.created',
    'decision.updated',
    'decision.published',
    'decision.unpublished',
    'decision.imported',
  ],
  migrations: {
    '20261121090200_decisions': decisions,
    '20261201150200_role_editor': editorRole,
  },
  publicPages: [{ path: /\/decisions/, paged: true }, { path: /\/decisions\/[1-9]\d{0,9}/ }],
  referenceData: seedDecisionCategories,
  demo: { seed: seedDemoDecisions, accounts: [DEMO_EDITOR] },
  config: decisionsConfig,
  locales: localesBeside(import.meta.url),
};

import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { eraseFines, exportFineFiles, exportFines } from './fines.privacy.ts';
import { createFinesRouter, FINES_HUB_ENTRY } from './fines.routes.ts';
import { createObjectionRouter } from './objection.routes.ts';
import { createObjectionsRouter } from './staff/objections.routes.ts';
import { createRulesRouter } from './staff/rules.routes.ts';
import * as noticeDigits from './migrations/20261221090000_notice_digits.ts';

/** Traffic-code (ΚΟΚ) fines: look-up by notice and plate, a verified owner's fines, objections. */
export const finesModule: Module = {
  name: 'fines',
  routes: (ctx) =>
    createFinesRouter(ctx.deps).use(createObjectionRouter(ctx.deps, ctx.protectUpload)),
  staff: [
    {
      prefix: '/finance/objections',
      role: 'finance',
      navKey: 'staff.nav.fineObjections',
      router: (ctx) => createObjectionsRouter(ctx.deps),
    },
    {
      prefix: '/finance/rules',
      role: 'finance',
      navKey: 'staff.nav.fineRules',
      router: (ctx) => createRulesRouter(ctx.deps),
    },
  ],
  hubEntry: FINES_HUB_ENTRY,
  sessionPaths: ['fines'],
  uploadPaths: [/^\/fines\/[1-9]\d{0,17}\/objection$/],
  auditActions: [
    'fine.objection_submitted',
    'fine.objection_decided',
    'fine_rule.created',
    'fine_rule.updated',
  ],
  privacyNotice: { headingKey: 'fines.privacy.heading', bodyKey: 'fines.privacy.body' },
  exportFor: exportFines,
  exportFiles: exportFineFiles,
  eraseFor: eraseFines,
  migrations: { '20261221090000_notice_digits': noticeDigits },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

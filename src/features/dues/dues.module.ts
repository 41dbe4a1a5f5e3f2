import { localesBeside, type Module } from '../module.ts';
import { exportDues } from './dues.personal.ts';
import { createDuesRouter, DUES_HUB_ENTRY } from './dues.routes.ts';
import { duesServices } from './dues.services.ts';

/** Municipal dues for a verified citizen's AFM: debts, instalments, payments, a statement, debtStatus. */
export const duesModule: Module = {
  name: 'dues',
  services: duesServices,
  routes: (ctx) => createDuesRouter(ctx.deps),
  hubEntry: DUES_HUB_ENTRY,
  sessionPaths: ['dues'],
  // The overview and a debt's page show the citizen's debts, arrangements, payments and overdue
  // fines (tables announcing work_changed: finance's dues_notify), their account and today's
  // date: kept rendered per session until an import or a payment changes them.
  keptPages: [/\/dues/, /\/dues\/[1-9]\d{0,15}/],
  // For a verified citizen with an AFM: nothing overdue, or how many things are.
  accountSummary: async (ctx, user) => {
    if (!user.identity_verified_at || !user.afm) return undefined;
    const status = await ctx.services.dues.debtStatus(user.afm);
    return {
      textKey: status.clear ? 'dues.account.clear' : 'dues.account.overdue',
      params: { count: status.overdue.length },
      href: '/dues',
    };
  },
  privacyNotice: { headingKey: 'dues.privacy.heading', bodyKey: 'dues.privacy.body' },
  // The dues seen; the financial records are kept by law, linked to no account: no eraseFor.
  exportFor: exportDues,
  locales: localesBeside(import.meta.url),
};

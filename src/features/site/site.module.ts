import { Router } from 'express';
import { z } from 'zod';
import { createHomeRouter } from '../home/home.routes.ts';
import { createPagesRouter } from '../pages/pages.routes.ts';
import { localesBeside, type Module } from '../module.ts';
import { pruneRateLimits } from '../../lib/rate-limit.ts';
import { pruneFormSubmissions } from '../../middleware/once-only-submission.ts';
import { deleteExpiredSessions } from '../../middleware/session.ts';
import * as extensions from './migrations/20261121090000_extensions_and_search.ts';
import * as sessions from './migrations/20261121090100_sessions.ts';
import * as contentNotify from './migrations/20261121100000_content_notify.ts';
import * as formSubmissions from './migrations/20261122090200_form_submissions.ts';
import * as sessionsNotify from './migrations/20261201140000_sessions_notify.ts';
import * as roles from './migrations/20261201150000_roles.ts';
import * as settings from './migrations/20261201180000_settings.ts';
import * as workNotify from './migrations/20261211090000_work_notify.ts';

/** What every page shares: the layout's strings, the home page (the e-services hub), the footer's pages, housekeeping. */
export const siteModule: Module = {
  name: 'site',
  routes: (ctx) => {
    const router = Router();
    router.use(createHomeRouter(ctx.hubEntries, ctx.services.decisions));
    router.use(createPagesRouter(ctx.deps));
    return router;
  },
  publicPages: [{ path: /(?:\/|\/privacy|\/contact)/ }],
  config: z.object({
    // The patron saint's day, 'MM-DD' ('' for none): Άγιος Νικόλαος, 6 December.
    LOCAL_FEAST: z
      .string()
      .regex(/^((0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$/)
      .default('12-06'),
  }),
  settings: [
    {
      key: 'site.localFeastMonth',
      labelKey: 'site.settings.localFeastMonth.label',
      hintKey: 'site.settings.localFeastMonth.hint',
      min: 0,
      max: 12,
      default: (config) => feastPart(config, 0),
    },
    {
      key: 'site.localFeastDay',
      labelKey: 'site.settings.localFeastDay.label',
      hintKey: 'site.settings.localFeastDay.hint',
      min: 0,
      max: 31,
      default: (config) => feastPart(config, 1),
    },
  ],
  retention: [
    {
      name: 'site.prune',
      labelKey: 'site.retention.limits',
      schedule: '17 * * * *',
      run: async (deps) =>
        (await pruneRateLimits(deps.db, deps.clock)) +
        (await pruneFormSubmissions(deps.db, deps.clock)),
    },
    {
      name: 'site.expired-sessions',
      labelKey: 'site.retention.sessions',
      schedule: '*/15 * * * *',
      run: (deps) => deleteExpiredSessions(deps.db, deps.clock),
    },
  ],
  migrations: {
    '20261121090000_extensions_and_search': extensions,
    '20261121090100_sessions': sessions,
    '20261121100000_content_notify': contentNotify,
    '20261122090200_form_submissions': formSubmissions,
    '20261201140000_sessions_notify': sessionsNotify,
    '20261201150000_roles': roles,
    '20261201180000_settings': settings,
    '20261211090000_work_notify': workNotify,
  },
  locales: localesBeside(import.meta.url),
};

/** The month (0) or day (1) of the configured local feast; 0 when there is none. */
function feastPart(config: object, part: 0 | 1): number {
  const value = (config as { LOCAL_FEAST?: string }).LOCAL_FEAST ?? '';
  return value ? Number(value.split('-')[part]) : 0;
}

import { Router, type Request } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { auditContext, recordAudit } from '../../audit/audit.repository.ts';
import type { ModuleContext, RetentionRule } from '../../module.ts';
import { ensureQueue } from '../../queues.ts';
import { readSetting } from '../../settings/settings.ts';

interface RunRow {
  rule: string;
  started_at: Date;
  finished_at: Date | null;
  deleted: number | null;
  failure: string | null;
}

const rulesOf = (deps: Pick<Deps, 'modules'>): RetentionRule[] =>
  deps.modules.flatMap((module) => module.retention ?? []);

/**
 * /staff/retention (admins): every retention rule, its period (a setting, changed on the
 * settings page), when it runs, its last run and what it deleted in the last 30 days; a rule can
 * be run now (queued for the worker, audited).
 */
export function createRetentionRouter({ deps }: ModuleContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const lang: Lang = req.lang;
    const since = new Date(deps.clock.now().getTime() - 30 * 86_400_000);
    const last = (await deps.db.select('*').from(
      deps
        .db('retention_runs')
        .distinctOn('rule')
        .orderBy(['rule', { column: 'started_at', order: 'desc' }])
        .as('last'),
    )) as RunRow[];
    const month = (await deps
      .db('retention_runs')
      .where('started_at', '>=', since)
      .groupBy('rule')
      .select(
        'rule',
        deps.db.raw('count(*)::int AS runs'),
        deps.db.raw('coalesce(sum(deleted), 0)::int AS deleted'),
      )) as {
      rule: string;
      runs: number;
      deleted: number;
    }[];
    const rules = await Promise.all(
      rulesOf(deps).map(async (rule) => {
        const days = rule.settingKey ? await readSetting(deps, rule.settingKey) : undefined;
        const run = last.find((row) => row.rule === rule.name);
        const totals = month.find((row) => row.rule === rule.name);
        return {
          name: rule.name,
          label: req.t(rule.labelKey, days === undefined ? {} : { days, count: days }),
          days,
          schedule: describeSchedule(req, rule.schedule),
          lastRun: run && {
            at: formatDateTime(run.started_at, lang),
            state: run.failure ? 'failed' : run.finished_at ? 'done' : 'running',
            deleted: run.deleted ?? 0,
            failure: run.failure,
          },
          month: { runs: totals?.runs ?? 0, deleted: totals?.deleted ?? 0 },
        };
      }),
    );
    res.render('privacy/staff/views/retention', {
      pageTitle: req.t('privacy.retention.title'),
      rules,
    });
  });
  router.post('/run', async (req, res) => {
    const { rule: name } = req.body as { rule?: unknown };
    const rule = rulesOf(deps).find((one) => one.name === name);
    if (!rule) throw new NotFoundError();
    await ensureQueue(deps.boss, rule.name);
    await deps.boss.send(rule.name, {});
    await recordAudit(
      deps.db,
      { action: 'retention.run_requested', actorId: req.user!.id, details: { rule: rule.name } },
      auditContext(req),
    );
    const days = rule.settingKey ? await readSetting(deps, rule.settingKey) : undefined;
    const label = req.t(rule.labelKey, days === undefined ? {} : { days, count: days });
    req.session.flash = { key: 'privacy.retention.queued', params: { label } };
    res.redirect(303, '/staff/retention');
  });
  return router;
}

/** A cron schedule as people read it: 'every day at 03:40', 'every hour at :23', 'every 10 minutes'. */
function describeSchedule(req: Request, cron: string): string {
  const [minute, hour, ...rest] = cron.split(' ');
  const everyDay = rest.every((part) => part === '*');
  if (everyDay && /^\d+$/.test(minute!) && /^\d+$/.test(hour!))
    return req.t('privacy.retention.daily', {
      time: `${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')}`,
    });
  if (everyDay && /^\d+$/.test(minute!) && hour === '*')
    return req.t('privacy.retention.hourly', { minute: minute!.padStart(2, '0') });
  const every = /^\*\/(\d+)$/.exec(minute!);
  if (everyDay && every && hour === '*')
    return req.t('privacy.retention.minutes', { count: Number(every[1]) });
  return cron;
}

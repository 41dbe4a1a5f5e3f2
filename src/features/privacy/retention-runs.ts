import type { Deps } from '../../deps.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { RetentionRule } from '../module.ts';

/** Runs are kept a year: the page shows the last of each, and the log a year of counts. */
const KEEP_RUNS_DAYS = 366;

/**
 * One run of a retention rule, recorded: a row when it starts, its count (or failure) when it
 * ends, an audit entry when it deleted something, and a log line either way. A failure is
 * thrown on, so pg-boss tries the job again.
 */
export async function recordRetentionRun(
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  rule: RetentionRule,
): Promise<void> {
  const [run] = (await deps
    .db('retention_runs')
    .insert({ rule: rule.name, started_at: deps.clock.now() })
    .returning('id')) as { id: number }[];
  try {
    const deleted = await rule.run(deps as Deps);
    await deps.db.transaction(async (trx) => {
      await trx('retention_runs')
        .where({ id: run!.id })
        .update({ finished_at: deps.clock.now(), deleted });
      if (deleted)
        await recordAudit(trx, {
          action: 'retention.ran',
          actorId: null,
          details: { rule: rule.name, deleted },
        });
    });
    deps.logger.info({ rule: rule.name, deleted }, 'retention rule ran');
  } catch (error) {
    const failure = error instanceof Error ? error.message : String(error);
    await deps
      .db('retention_runs')
      .where({ id: run!.id })
      .update({ finished_at: deps.clock.now(), failure: failure.slice(0, 1000) });
    deps.logger.error({ rule: rule.name, err: error }, 'retention rule failed');
    throw error;
  }
  const cutoff = new Date(deps.clock.now().getTime() - KEEP_RUNS_DAYS * 86_400_000);
  await deps.db('retention_runs').where('started_at', '<', cutoff).delete();
}

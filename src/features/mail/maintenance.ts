import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import { pruneRateLimits } from '../../lib/rate-limit.ts';

const MAINTENANCE_QUEUE = 'maintenance';

/** Housekeeping on a schedule (once for all processes, through pg-boss): old rate-limit windows. */
export async function startMaintenance(boss: PgBoss, deps: Deps): Promise<void> {
  await boss.createQueue(MAINTENANCE_QUEUE, { name: MAINTENANCE_QUEUE, retryLimit: 1 });
  await boss.schedule(MAINTENANCE_QUEUE, '17 * * * *');
  await boss.work(MAINTENANCE_QUEUE, async () => {
    await pruneRateLimits(deps.db, deps.clock);
  });
}

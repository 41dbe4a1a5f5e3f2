import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import { pruneRateLimits } from '../../lib/rate-limit.ts';
import { pruneFormSubmissions } from '../../middleware/once-only-submission.ts';

const MAINTENANCE_QUEUE = 'maintenance';

/**
 * Housekeeping on a schedule (once for all processes, through pg-boss): old rate-limit windows,
 * sign-in failure counts and form submission ids.
 */
export async function startMaintenance(boss: PgBoss, deps: Deps): Promise<void> {
  await boss.createQueue(MAINTENANCE_QUEUE, { name: MAINTENANCE_QUEUE, retryLimit: 1 });
  await boss.schedule(MAINTENANCE_QUEUE, '17 * * * *');
  await boss.work(MAINTENANCE_QUEUE, async () => {
    await pruneRateLimits(deps.db, deps.clock);
    await pruneFormSubmissions(deps.db, deps.clock);
  });
}

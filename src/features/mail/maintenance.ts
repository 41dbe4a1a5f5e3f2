import type PgBoss from 'pg-boss';
import type { Deps } from '../../deps.ts';
import { pruneRateLimits } from '../../lib/rate-limit.ts';
import { pruneFormSubmissions } from '../../middleware/once-only-submission.ts';
import { deleteStalePendingAccounts } from '../accounts/pending-accounts.ts';

const MAINTENANCE_QUEUE = 'maintenance';

/**
 * Housekeeping: old rate-limit windows, sign-in failure counts and form submission ids, and
 * pending accounts never activated within PENDING_ACCOUNT_DAYS.
 */
export async function runMaintenance(deps: Deps): Promise<void> {
  await pruneRateLimits(deps.db, deps.clock);
  await pruneFormSubmissions(deps.db, deps.clock);
  const deleted = await deleteStalePendingAccounts(
    deps.db,
    deps.clock,
    deps.config.PENDING_ACCOUNT_DAYS,
  );
  if (deleted) deps.logger.info({ deleted }, 'pending accounts deleted');
}

/** runMaintenance every hour, once for all processes (through pg-boss). */
export async function startMaintenance(boss: PgBoss, deps: Deps): Promise<void> {
  await boss.createQueue(MAINTENANCE_QUEUE, { name: MAINTENANCE_QUEUE, retryLimit: 1 });
  await boss.schedule(MAINTENANCE_QUEUE, '17 * * * *');
  await boss.work(MAINTENANCE_QUEUE, () => runMaintenance(deps));
}

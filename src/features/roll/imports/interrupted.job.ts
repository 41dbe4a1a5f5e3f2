import type { Deps } from '../../../deps.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { ROLL_STAGING } from './roll-format.ts';

/** An import runs in seconds: one still running after this stopped. */
const INTERRUPTED_AFTER_MS = 60 * 60 * 1000;

/**
 * Imports whose worker stopped while they ran, and whose retries have run out, would show
 * "running" for ever: after an hour they are marked failed ('interrupted'), audited, so the admin
 * sees it and uploads the file again. Their merge is one transaction: nothing of them was merged.
 */
export async function failInterruptedRollImports(
  deps: Pick<Deps, 'db' | 'clock'>,
): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - INTERRUPTED_AFTER_MS);
  return deps.db.transaction(async (trx) => {
    const failed = (await trx('roll_imports')
      .where('status', 'running')
      .where('started_at', '<', before)
      .update({ status: 'failed', failure: 'interrupted', finished_at: deps.clock.now() })
      .returning(['id', 'imported_by'])) as { id: number; imported_by: number | null }[];
    for (const row of failed) {
      await trx(ROLL_STAGING).where({ import_id: row.id }).delete();
      await recordAudit(trx, {
        action: 'roll.import_failed',
        actorId: row.imported_by,
        entity: { type: 'roll_import', id: row.id },
        details: { failure: 'interrupted' },
      });
    }
    return failed.length;
  });
}

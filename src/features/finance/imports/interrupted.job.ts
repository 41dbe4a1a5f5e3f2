import type { Deps } from '../../../deps.ts';
import { recordAudit } from '../../audit/audit.repository.ts';

/** An import runs in seconds (100,000 rows in about ten): one still running after this stopped. */
const INTERRUPTED_AFTER_MS = 60 * 60 * 1000;

/**
 * Imports whose worker stopped while they ran, and whose retries have run out, would show
 * "running" for ever: after an hour they are marked failed ('interrupted'), audited, so the
 * office sees it and uploads the file again. Their merge is one transaction: nothing of them
 * was imported.
 */
export async function failInterruptedImports(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - INTERRUPTED_AFTER_MS);
  return deps.db.transaction(async (trx) => {
    const failed = (await trx('finance_imports')
      .where('status', 'running')
      .where('started_at', '<', before)
      .update({ status: 'failed', failure: 'interrupted', finished_at: deps.clock.now() })
      .returning(['id', 'kind', 'imported_by'])) as {
      id: number;
      kind: string;
      imported_by: number | null;
    }[];
    for (const row of failed) {
      await trx(`finance_staging_${row.kind}`).where({ import_id: row.id }).delete();
      await recordAudit(trx, {
        action: 'finance.import_failed',
        actorId: row.imported_by,
        entity: { type: 'finance_import', id: row.id },
        details: { kind: row.kind, failure: 'interrupted' },
      });
    }
    return failed.length;
  });
}

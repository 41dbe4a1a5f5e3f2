import type { Deps } from '../../../deps.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { DiavgeiaClient } from './diavgeia.client.ts';
import { insertImportedDraft } from './decisions-editor.repository.ts';

export type ImportDeps = Pick<Deps, 'db' | 'contentCache'> & { diavgeia: DiavgeiaClient };

/** Drafts from Diavgeia's council decisions in a date range; ADAs already here are skipped. */
export async function importFromDiavgeia(
  deps: ImportDeps,
  query: { org: string; from: string; to: string },
  actorId: number,
  context: AuditContext,
): Promise<{ created: number; skipped: number }> {
  const found = await deps.diavgeia.searchDecisions(query);
  let created = 0;
  await deps.db.transaction(async (trx) => {
    for (const decision of found) {
      const id = await insertImportedDraft(trx, {
        year: Number(decision.issueDate.slice(0, 4)),
        meeting_date: decision.issueDate,
        subject: decision.subject.slice(0, 1000),
        ada: decision.ada,
        source_url: decision.documentUrl,
      });
      if (id === undefined) continue;
      created += 1;
      await recordAudit(
        trx,
        {
          action: 'decision.imported',
          actorId,
          entity: { type: 'decision', id },
          details: { ada: decision.ada, source: decision.documentUrl },
        },
        context,
      );
    }
  });
  deps.contentCache.invalidate();
  return { created, skipped: found.length - created };
}

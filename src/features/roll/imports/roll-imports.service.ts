import { createHash } from 'node:crypto';
import type { Deps } from '../../../deps.ts';
import { bossDbFor } from '../../mail/mail-queue.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { insertRollImport } from './roll-imports.repository.ts';
import { ensureQueue } from '../../queues.ts';

export const ROLL_IMPORT_QUEUE = 'roll.import';

export interface NewRollImport {
  channel: 'upload' | 'demo';
  fileName: string;
  content: Buffer;
  userId?: number | null;
}

/**
 * Keeps the file (in the document store, never in the job's data), records the import and queues
 * its job in the same transaction. The import itself runs in the worker (runRollImport); the
 * demo seed runs it at once instead of queueing it.
 */
export async function createRollImport(
  deps: Pick<Deps, 'db' | 'documents'> & { boss?: Deps['boss'] },
  input: NewRollImport,
  context: AuditContext,
): Promise<number> {
  const fileKey = await deps.documents.save(input.content, 'csv');
  const boss = input.channel === 'demo' ? undefined : deps.boss;
  if (boss) await ensureQueue(boss, ROLL_IMPORT_QUEUE);
  const fileName = input.fileName.slice(0, 200);
  return deps.db.transaction(async (trx) => {
    const id = await insertRollImport(trx, {
      channel: input.channel,
      file_name: fileName,
      file_key: fileKey,
      file_bytes: input.content.length,
      file_sha256: createHash('sha256').update(input.content).digest('hex'),
      imported_by: input.userId ?? null,
    });
    await recordAudit(
      trx,
      {
        action: 'roll.import_created',
        actorId: input.userId ?? null,
        entity: { type: 'roll_import', id },
        details: { channel: input.channel, file: fileName },
      },
      context,
    );
    if (boss) await boss.send(ROLL_IMPORT_QUEUE, { importId: id }, { db: await bossDbFor(trx) });
    return id;
  });
}

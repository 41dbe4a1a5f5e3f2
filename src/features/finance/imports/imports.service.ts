import { createHash } from 'node:crypto';
import type { Deps } from '../../../deps.ts';
import { bossDbFor } from '../../mail/mail-queue.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { ImportKind } from './import-formats.ts';
import { insertImport } from './imports.repository.ts';
import { ensureQueue } from '../../queues.ts';

export const IMPORT_QUEUE = 'finance.import';

export interface NewImport {
  kind: ImportKind;
  channel: 'upload' | 'api' | 'demo';
  fileName: string;
  content: Buffer;
  format: 'csv' | 'json';
  userId?: number | null;
  apiKeyId?: number | null;
}

/**
 * Keeps the file (in the document store, never in the job's data), records the import and queues
 * its job. The import itself runs in the worker (runImport); the caller shows its progress page.
 */
export async function createImport(
  deps: Pick<Deps, 'db' | 'documents'> & { boss?: Deps['boss'] },
  input: NewImport,
  context: AuditContext,
): Promise<number> {
  const fileKey = await deps.documents.save(input.content, input.format);
  const boss = input.channel === 'demo' ? undefined : deps.boss;
  if (boss) await ensureQueue(boss, IMPORT_QUEUE);
  // The job is queued in the same transaction: an import is never recorded without its job.
  return deps.db.transaction(async (trx) => {
    const id = await insertImport(trx, {
      kind: input.kind,
      channel: input.channel,
      file_name: input.fileName.slice(0, 200),
      file_key: fileKey,
      file_bytes: input.content.length,
      file_sha256: createHash('sha256').update(input.content).digest('hex'),
      imported_by: input.userId ?? null,
      api_key_id: input.apiKeyId ?? null,
    });
    await recordAudit(
      trx,
      {
        action: 'finance.import_created',
        actorId: input.userId ?? null,
        entity: { type: 'finance_import', id },
        details: { kind: input.kind, channel: input.channel, file: input.fileName.slice(0, 200) },
      },
      context,
    );
    if (boss) await boss.send(IMPORT_QUEUE, { importId: id }, { db: await bossDbFor(trx) });
    return id;
  });
}

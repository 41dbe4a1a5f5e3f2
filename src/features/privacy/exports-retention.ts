import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { ErasureContext, Person } from '../module.ts';

const BATCH = 200;
/** The record that a download was asked for (no personal data but the account) is kept 90 days. */
const KEEP_ROWS_DAYS = 90;

/**
 * The rule privacy.exports: a download's file is deleted once its link is used or has expired
 * (status downloaded or expired, or ready with a dead link); the rows after 90 days. Returns how
 * many files and rows it deleted.
 */
export async function deleteSpentExports(
  deps: Pick<Deps, 'db' | 'clock' | 'documents'>,
): Promise<number> {
  const now = deps.clock.now();
  let deleted = 0;
  for (;;) {
    const keys = await deps.db.transaction(async (trx) => {
      const due = (await trx('data_exports as e')
        .leftJoin('one_time_links as l', 'l.id', 'e.link_id')
        .whereNotNull('e.file_key')
        .where((query) =>
          query
            .whereIn('e.status', ['downloaded', 'expired'])
            .orWhere('l.expires_at', '<=', now)
            .orWhereNotNull('l.used_at')
            .orWhereNull('e.link_id'),
        )
        .whereNot('e.status', 'queued')
        .orderBy('e.id')
        .limit(BATCH)
        .forUpdate('e')
        .skipLocked()
        .select('e.id', 'e.status', 'e.file_key')) as {
        id: number;
        status: string;
        file_key: string;
      }[];
      for (const row of due)
        await trx('data_exports')
          .where({ id: row.id })
          .update({
            status: row.status === 'ready' ? 'expired' : row.status,
            file_key: null,
            removed_at: now,
          });
      return due.map((row) => row.file_key);
    });
    for (const key of keys) await deps.documents.remove(key);
    deleted += keys.length;
    if (keys.length < BATCH) break;
  }
  const rows = await deps
    .db('data_exports')
    .where('requested_at', '<', new Date(now.getTime() - KEEP_ROWS_DAYS * 86_400_000))
    .whereNull('file_key')
    .whereNot('status', 'queued')
    .delete();
  return deleted + rows;
}

/** Erasure: the person's downloads, rows and files. */
export async function eraseExports(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  const rows = (await trx('data_exports')
    .where({ user_id: person.userId })
    .delete()
    .returning('file_key')) as { file_key: string | null }[];
  for (const row of rows) if (row.file_key) context.removeAfterCommit(row.file_key);
}

/** For the download itself: the downloads asked for before this one. */
export async function exportExports(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const downloads = (await conn('data_exports')
    .where({ user_id: person.userId })
    .whereNot('status', 'queued')
    .orderBy('id')
    .select('requested_at as requestedAt', 'status', 'downloaded_at as downloadedAt')) as object[];
  return { earlierDownloads: downloads };
}

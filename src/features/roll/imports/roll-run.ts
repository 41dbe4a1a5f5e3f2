import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { CsvFileError, openCsv, type CsvRecord } from '../../../lib/csv.ts';
import { athensDate } from '../../../lib/format.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { checkStagedRoll } from './roll-checks.ts';
import { ROLL_COLUMNS, ROLL_HEADER, ROLL_STAGING } from './roll-format.ts';
import { mergeStagedRoll } from './roll-merge.ts';
import type { RollImportRow } from './roll-imports.repository.ts';

const BATCH = 2000;

/** A file that cannot be imported as a whole (failure: a code the report page words). */
class RollFileError extends Error {
  constructor(
    readonly failure: string,
    detail = '',
  ) {
    super(detail || failure);
  }
}

/** Puts a batch of rows into the staging table in one statement (jsonb_to_recordset). */
async function stage(db: Knex, importId: number, batch: CsvRecord[]) {
  const payload = batch.map((record) => {
    const row: Record<string, string | number> = { line: record.line };
    for (const column of ROLL_COLUMNS) row[column] = record.values[column] ?? '';
    return row;
  });
  await db.raw(
    `INSERT INTO ${ROLL_STAGING} (import_id, line, ${ROLL_COLUMNS.join(', ')})
     SELECT ?, x.line, ${ROLL_COLUMNS.map((c) => `x.${c}`).join(', ')}
     FROM jsonb_to_recordset(?::jsonb) AS x(line int, ${ROLL_COLUMNS.map((c) => `${c} text`).join(', ')})`,
    [importId, JSON.stringify(payload)],
  );
}

async function finish(db: Knex, importId: number, values: Record<string, unknown>) {
  await db('roll_imports')
    .where({ id: importId })
    .update({ ...values, finished_at: db.fn.now() });
}

/** Ends an import as failed (nothing of it merged), audited. */
async function fail(db: Knex, row: RollImportRow, failure: string, detail = '') {
  await db(ROLL_STAGING).where({ import_id: row.id }).delete();
  await finish(db, row.id, {
    status: 'failed',
    failure: detail && detail !== failure ? `${failure}: ${detail}` : failure,
  });
  await recordAudit(db, {
    action: 'roll.import_failed',
    actorId: row.imported_by,
    entity: { type: 'roll_import', id: row.id },
    details: { failure },
  });
}

/** Streams the stored file into the staging table; returns the number of rows read. */
async function stageFile(deps: Pick<Deps, 'db' | 'documents'>, row: RollImportRow) {
  const { db } = deps;
  const csv = await openCsv(deps.documents.pathOf(row.file_key));
  await db('roll_imports').where({ id: row.id }).update({ encoding: csv.encoding });
  const missing = ROLL_HEADER.filter((column) => !csv.columns.includes(column));
  if (missing.length) throw new RollFileError('missing_columns', missing.join(', '));
  let read = 0;
  let batch: CsvRecord[] = [];
  for await (const record of csv.records) {
    batch.push(record);
    if (batch.length === BATCH) {
      await stage(db, row.id, batch);
      read += batch.length;
      batch = [];
      await db('roll_imports').where({ id: row.id }).update({ rows_read: read });
    }
  }
  if (batch.length) await stage(db, row.id, batch);
  read += batch.length;
  if (read === 0) throw new RollFileError('no_rows');
  await db('roll_imports').where({ id: row.id }).update({ rows_read: read });
  // The checks join the staged rows with themselves: the planner must know how many there are
  // (statistics of an earlier, emptied import would make it loop over the rows for each row).
  await db.raw(`ANALYZE ${ROLL_STAGING}`);
  return read;
}

/**
 * Runs one roll import (the job 'roll.import', or the demo seed): streams the stored file into
 * the staging table, checks every row in SQL, and merges all rows in one transaction, or none
 * when any row is bad (the report lists each). Safe to run again: a finished import is left
 * alone, one cut short starts over from an empty staging table.
 */
export async function runRollImport(
  deps: Pick<Deps, 'db' | 'documents' | 'clock'>,
  importId: number,
): Promise<void> {
  const { db } = deps;
  const claimed = await db('roll_imports')
    .where({ id: importId })
    .whereIn('status', ['queued', 'running'])
    .update({ status: 'running', started_at: db.fn.now(), rows_read: 0 })
    .returning<RollImportRow[]>('*');
  const row = claimed[0];
  if (!row) return;
  await db(ROLL_STAGING).where({ import_id: importId }).delete();
  await db('roll_import_errors').where({ import_id: importId }).delete();
  let read: number;
  try {
    read = await stageFile(deps, row);
  } catch (error) {
    if (error instanceof RollFileError) return fail(db, row, error.failure, error.message);
    if (error instanceof CsvFileError) return fail(db, row, error.reason, error.message);
    throw error;
  }

  try {
    // The checks and the merge in one transaction, one import at a time (an advisory lock): two
    // files checked side by side against the same roll could each pass and together break it
    // (two heads on one record).
    await db.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(hashtext('roll.import'))");
      const bad = await checkStagedRoll(trx, importId, athensDate(deps.clock.now()));
      if (bad > 0) {
        await trx(ROLL_STAGING).where({ import_id: importId }).delete();
        await finish(trx, importId, { status: 'rejected', rows_rejected: bad });
        await recordAudit(trx, {
          action: 'roll.import_rejected',
          actorId: row.imported_by,
          entity: { type: 'roll_import', id: importId },
          details: { rows: read, badRows: bad },
        });
        return;
      }
      await merge(trx, row, read);
    });
  } catch (error) {
    // A constraint the checks did not foresee: nothing was merged (one transaction); the import
    // fails with the database's reason instead of retrying. 21000: two rows updating one record.
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    if (typeof code !== 'string' || !(code.startsWith('23') || code === '21000')) throw error;
    await fail(db, row, 'conflict', typeof constraint === 'string' ? constraint : code);
  }
}

async function merge(trx: Knex.Transaction, row: RollImportRow, read: number): Promise<void> {
  const counts = await mergeStagedRoll(trx, row.id, read);
  await trx(ROLL_STAGING).where({ import_id: row.id }).delete();
  await trx('roll_imports').where({ id: row.id }).update({
    status: 'merged',
    finished_at: trx.fn.now(),
    rows_inserted: counts.inserted,
    rows_updated: counts.updated,
    rows_unchanged: counts.unchanged,
    records_inserted: counts.recordsInserted,
    records_updated: counts.recordsUpdated,
  });
  await recordAudit(trx, {
    action: 'roll.import_merged',
    actorId: row.imported_by,
    entity: { type: 'roll_import', id: row.id },
    details: { rows: read, ...counts },
  });
}

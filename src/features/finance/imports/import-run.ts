import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { CsvFileError, openCsv, type CsvRecord } from '../../../lib/csv.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { checkStagedRows } from './import-checks.ts';
import { IMPORT_FORMATS, stagingTable, type ImportKind } from './import-formats.ts';
import { mergeStagedRows } from './import-merge.ts';
import type { ImportRow } from './imports.repository.ts';

const BATCH = 2000;

/** A file that cannot be imported as a whole (failure: a code the report page words). */
class ImportFileError extends Error {
  constructor(
    readonly failure: string,
    detail = '',
  ) {
    super(detail || failure);
  }
}

/** Rows of a JSON import (an array of objects with the CSV's column names), numbered from 1. */
async function* jsonRecords(path: string): AsyncGenerator<CsvRecord> {
  let rows: unknown;
  try {
    rows = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new ImportFileError('unreadable');
  }
  if (!Array.isArray(rows)) throw new ImportFileError('unreadable');
  for (const [i, row] of rows.entries()) {
    const values: Record<string, string> = {};
    if (row && typeof row === 'object')
      for (const [key, value] of Object.entries(row as Record<string, unknown>))
        values[key.trim().toLowerCase()] =
          typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
    yield { line: i + 1, values };
  }
}

/** Puts a batch of rows into the staging table in one statement (jsonb_to_recordset). */
async function stage(db: Knex, kind: ImportKind, importId: number, batch: CsvRecord[]) {
  const columns = IMPORT_FORMATS[kind].columns;
  const payload = batch.map((record) => {
    const row: Record<string, string | number> = { line: record.line };
    for (const column of columns) row[column] = record.values[column] ?? '';
    return row;
  });
  await db.raw(
    `INSERT INTO ${stagingTable(kind)} (import_id, line, ${columns.join(', ')})
     SELECT ?, x.line, ${columns.map((c) => `x.${c}`).join(', ')}
     FROM jsonb_to_recordset(?::jsonb) AS x(line int, ${columns.map((c) => `${c} text`).join(', ')})`,
    [importId, JSON.stringify(payload)],
  );
}

async function finish(db: Knex, importId: number, values: Record<string, unknown>) {
  await db('finance_imports')
    .where({ id: importId })
    .update({ ...values, finished_at: db.fn.now() });
}

/**
 * Runs one import (the job 'finance.import', or the demo seed): streams the stored file into the
 * staging table, checks every row in SQL, and merges all rows in one transaction, or none when any
 * row is bad (the report lists each). Safe to run again: a finished import is left alone, one cut
 * short starts over from an empty staging table.
 */
export async function runImport(
  deps: Pick<Deps, 'db' | 'documents'>,
  importId: number,
  rfPrefix: string,
) {
  const { db } = deps;
  const claimed = await db('finance_imports')
    .where({ id: importId })
    .whereIn('status', ['queued', 'running'])
    .update({ status: 'running', started_at: db.fn.now(), rows_read: 0 })
    .returning<ImportRow[]>('*');
  const row = claimed[0];
  if (!row) return;
  const table = stagingTable(row.kind);
  await db(table).where({ import_id: importId }).delete();
  await db('finance_import_errors').where({ import_id: importId }).delete();
  const format = IMPORT_FORMATS[row.kind];
  const path = deps.documents.pathOf(row.file_key);
  let read = 0;
  try {
    let records: AsyncIterable<CsvRecord>;
    if (row.file_key.endsWith('.json')) records = jsonRecords(path);
    else {
      const csv = await openCsv(path);
      await db('finance_imports').where({ id: importId }).update({ encoding: csv.encoding });
      const missing = format.required.filter((column) => !csv.columns.includes(column));
      if (missing.length) throw new ImportFileError('missing_columns', missing.join(', '));
      records = csv.records;
    }
    let batch: CsvRecord[] = [];
    for await (const record of records) {
      batch.push(record);
      if (batch.length === BATCH) {
        await stage(db, row.kind, importId, batch);
        read += batch.length;
        batch = [];
        await db('finance_imports').where({ id: importId }).update({ rows_read: read });
      }
    }
    if (batch.length) await stage(db, row.kind, importId, batch);
    read += batch.length;
    if (read === 0) throw new ImportFileError('no_rows');
    await db('finance_imports').where({ id: importId }).update({ rows_read: read });
  } catch (error) {
    if (!(error instanceof ImportFileError || error instanceof CsvFileError)) throw error;
    const failure = error instanceof CsvFileError ? error.reason : error.failure;
    await db(table).where({ import_id: importId }).delete();
    await finish(db, importId, {
      status: 'failed',
      failure:
        error.message && error.message !== failure ? `${failure}: ${error.message}` : failure,
    });
    await recordAudit(db, {
      action: 'finance.import_failed',
      actorId: row.imported_by,
      entity: { type: 'finance_import', id: importId },
      details: { kind: row.kind, failure },
    });
    return;
  }

  // The checks join the staged rows with themselves: the planner must know how many there are
  // (statistics of an earlier, emptied import would make it loop over the rows for each row).
  await db.raw(`ANALYZE ${table}`);
  const bad = await checkStagedRows(db, row.kind, importId, rfPrefix);
  if (bad > 0) {
    await db(table).where({ import_id: importId }).delete();
    await finish(db, importId, { status: 'rejected', rows_rejected: bad });
    await recordAudit(db, {
      action: 'finance.import_rejected',
      actorId: row.imported_by,
      entity: { type: 'finance_import', id: importId },
      details: { kind: row.kind, rows: read, badRows: bad },
    });
    return;
  }
  try {
    await merge(db, row, read, rfPrefix);
  } catch (error) {
    // A constraint the checks did not foresee (two rows swapping notice numbers): nothing was
    // merged (one transaction); the import fails with the database's reason instead of retrying.
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    // 23…: a constraint; 21000: two rows of the file updating one record.
    if (typeof code !== 'string' || !(code.startsWith('23') || code === '21000')) throw error;
    await db(table).where({ import_id: importId }).delete();
    await finish(db, importId, {
      status: 'failed',
      failure: `conflict: ${typeof constraint === 'string' ? constraint : code}`,
    });
    await recordAudit(db, {
      action: 'finance.import_failed',
      actorId: row.imported_by,
      entity: { type: 'finance_import', id: importId },
      details: { kind: row.kind, failure: 'conflict' },
    });
  }
}

async function merge(db: Knex, row: ImportRow, read: number, prefix: string): Promise<void> {
  const importId = row.id;
  const table = stagingTable(row.kind);
  await db.transaction(async (trx) => {
    const counts = await mergeStagedRows(trx, row.kind, importId, read, prefix);
    await trx(table).where({ import_id: importId }).delete();
    await trx('finance_imports')
      .where({ id: importId })
      .update({
        status: 'merged',
        finished_at: trx.fn.now(),
        rows_inserted: counts.inserted,
        rows_updated: counts.updated,
        rows_unchanged: counts.unchanged,
        payments_matched: counts.matched ?? 0,
        payments_unknown: counts.unknown ?? 0,
        payments_duplicate: counts.duplicate ?? 0,
      });
    await recordAudit(trx, {
      action: 'finance.import_merged',
      actorId: row.imported_by,
      entity: { type: 'finance_import', id: importId },
      details: { kind: row.kind, rows: read, ...counts },
    });
  });
}

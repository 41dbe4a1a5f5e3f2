import type { Conn } from '../../../db/knex.ts';
import type { ImportKind } from './import-formats.ts';

export type ImportStatus = 'queued' | 'running' | 'merged' | 'rejected' | 'failed';

export interface ImportRow {
  id: number;
  kind: ImportKind;
  channel: 'upload' | 'api' | 'demo';
  file_name: string;
  file_key: string;
  file_bytes: number;
  file_sha256: string;
  encoding: string | null;
  status: ImportStatus;
  failure: string | null;
  imported_by: number | null;
  api_key_id: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  payments_matched: number;
  payments_unknown: number;
  payments_duplicate: number;
}

export interface ImportListRow extends ImportRow {
  imported_by_name: string | null;
  api_key_name: string | null;
}

export interface ImportErrorRow {
  line: number;
  field: string;
  reason: string;
  value: string | null;
}

export async function insertImport(
  conn: Conn,
  row: Pick<
    ImportRow,
    'kind' | 'channel' | 'file_name' | 'file_key' | 'file_bytes' | 'file_sha256'
  > & { imported_by?: number | null; api_key_id?: number | null },
): Promise<number> {
  const [inserted] = await conn('finance_imports').insert(row).returning<{ id: number }[]>('id');
  return inserted!.id;
}

export function findImport(conn: Conn, id: number): Promise<ImportListRow | undefined> {
  return conn('finance_imports as i')
    .leftJoin('users as u', 'u.id', 'i.imported_by')
    .leftJoin('api_keys as k', 'k.id', 'i.api_key_id')
    .select('i.*', 'u.full_name as imported_by_name', 'k.app_name as api_key_name')
    .where('i.id', id)
    .first<ImportListRow | undefined>();
}

export function listImports(
  conn: Conn,
  options: { limit: number; offset: number },
): Promise<ImportListRow[]> {
  return conn('finance_imports as i')
    .leftJoin('users as u', 'u.id', 'i.imported_by')
    .leftJoin('api_keys as k', 'k.id', 'i.api_key_id')
    .select('i.*', 'u.full_name as imported_by_name', 'k.app_name as api_key_name')
    .orderBy('i.id', 'desc')
    .limit(options.limit)
    .offset(options.offset);
}

export async function countImports(conn: Conn): Promise<number> {
  const row = await conn('finance_imports').count<{ count: string }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

export function importErrors(
  conn: Conn,
  importId: number,
  options: { limit: number; offset?: number },
): Promise<ImportErrorRow[]> {
  return conn('finance_import_errors')
    .select('line', 'field', 'reason', 'value')
    .where('import_id', importId)
    .orderBy([{ column: 'line' }, { column: 'id' }])
    .limit(options.limit)
    .offset(options.offset ?? 0);
}

export async function countImportErrors(conn: Conn, importId: number): Promise<number> {
  const row = await conn('finance_import_errors')
    .where('import_id', importId)
    .count<{ count: string }[]>('* as count')
    .first();
  return Number(row?.count ?? 0);
}

import type { Conn } from '../../../db/knex.ts';

export type RollImportStatus = 'queued' | 'running' | 'merged' | 'rejected' | 'failed';

export interface RollImportRow {
  id: number;
  channel: 'upload' | 'demo';
  file_name: string;
  file_key: string;
  file_bytes: number;
  file_sha256: string;
  encoding: string | null;
  status: RollImportStatus;
  failure: string | null;
  imported_by: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  records_inserted: number;
  records_updated: number;
}

export interface RollImportListRow extends RollImportRow {
  imported_by_name: string | null;
}

export interface RollImportErrorRow {
  line: number;
  field: string;
  reason: string;
  value: string | null;
}

export async function insertRollImport(
  conn: Conn,
  row: Pick<RollImportRow, 'channel' | 'file_name' | 'file_key' | 'file_bytes' | 'file_sha256'> & {
    imported_by?: number | null;
  },
): Promise<number> {
  const [inserted] = await conn('roll_imports').insert(row).returning<{ id: number }[]>('id');
  return inserted!.id;
}

const withImporter = (conn: Conn) =>
  conn('roll_imports as i')
    .leftJoin('users as u', 'u.id', 'i.imported_by')
    .select('i.*', 'u.full_name as imported_by_name');

export function findRollImport(conn: Conn, id: number): Promise<RollImportListRow | undefined> {
  return withImporter(conn).where('i.id', id).first<RollImportListRow | undefined>();
}

export function listRollImports(
  conn: Conn,
  options: { limit: number; offset: number },
): Promise<RollImportListRow[]> {
  return withImporter(conn).orderBy('i.id', 'desc').limit(options.limit).offset(options.offset);
}

export async function countRollImports(conn: Conn): Promise<number> {
  const row = await conn('roll_imports').count<{ count: string }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

export function rollImportErrors(
  conn: Conn,
  importId: number,
  options: { limit: number; offset?: number },
): Promise<RollImportErrorRow[]> {
  return conn('roll_import_errors')
    .select('line', 'field', 'reason', 'value')
    .where('import_id', importId)
    .orderBy([{ column: 'line' }, { column: 'id' }])
    .limit(options.limit)
    .offset(options.offset ?? 0);
}

export async function countRollImportErrors(conn: Conn, importId: number): Promise<number> {
  const row = await conn('roll_import_errors')
    .where('import_id', importId)
    .count<{ count: string }[]>('* as count')
    .first();
  return Number(row?.count ?? 0);
}

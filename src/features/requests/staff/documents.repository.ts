import type { Conn } from '../../../db/knex.ts';

export interface RequestDocumentRow {
  id: number;
  request_id: number;
  event_id: number | null;
  stored_name: string;
  original_name: string;
  size: number;
  public: boolean;
  uploaded_by: number | null;
  created_at: Date;
}

export async function insertDocument(
  conn: Conn,
  row: Pick<
    RequestDocumentRow,
    'request_id' | 'event_id' | 'stored_name' | 'original_name' | 'size' | 'public' | 'uploaded_by'
  >,
): Promise<number> {
  const [inserted] = (await conn('request_documents').insert(row).returning('id')) as {
    id: number;
  }[];
  return inserted!.id;
}

/** A request's documents, oldest first; `publicOnly`: those its citizen and followers may see. */
export async function listDocuments(
  conn: Conn,
  requestId: number,
  options: { publicOnly?: boolean } = {},
): Promise<RequestDocumentRow[]> {
  const query = conn('request_documents').where({ request_id: requestId }).orderBy('id');
  if (options.publicOnly) void query.where({ public: true });
  return (await query.select()) as RequestDocumentRow[];
}

/** One document of this request (never another request's, whatever the address says). */
export async function findDocument(
  conn: Conn,
  requestId: number,
  id: number,
  options: { publicOnly?: boolean } = {},
): Promise<RequestDocumentRow | undefined> {
  const query = conn('request_documents').where({ request_id: requestId, id }).first();
  if (options.publicOnly) void query.where({ public: true });
  return (await query) as RequestDocumentRow | undefined;
}

import { kilobytes } from '../../../lib/format.ts';
import type { Conn } from '../../../db/knex.ts';
import { listDocuments } from './documents.repository.ts';

/** The documents a citizen (or follower) may download from their request's page: public ones only. */
export async function publicDocumentLinks(
  conn: Conn,
  request: { id: number },
  referenceUrl: string,
): Promise<{ name: string; href: string; kb: number }[]> {
  return (await listDocuments(conn, request.id, { publicOnly: true })).map((d) => ({
    name: d.original_name,
    href: `/requests/${referenceUrl}/documents/${d.id}`,
    kb: kilobytes(d.size),
  }));
}

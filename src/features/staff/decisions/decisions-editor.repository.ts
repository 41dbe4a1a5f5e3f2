import type { Conn } from '../../../db/knex.ts';

export interface EditorDecisionRow {
  id: number;
  number: number | null;
  year: number;
  meeting_date: string;
  category_id: number | null;
  category_slug: string | null;
  subject: string;
  summary: string;
  ada: string | null;
  document_file: string | null;
  source_url: string | null;
  status: 'draft' | 'published';
  published_at: Date | null;
  updated_at: Date;
}

const base = (conn: Conn) =>
  conn('decisions as d')
    .leftJoin('decision_categories as c', 'c.id', 'd.category_id')
    .select(
      'd.id',
      'd.number',
      'd.year',
      'd.meeting_date',
      'd.category_id',
      'c.slug as category_slug',
      'd.subject',
      'd.summary',
      'd.ada',
      'd.document_file',
      'd.source_url',
      'd.status',
      'd.published_at',
      'd.updated_at',
    );

export async function listForEditors(
  conn: Conn,
  options: { status?: string; limit: number; offset: number },
): Promise<{ rows: EditorDecisionRow[]; total: number }> {
  const query = base(conn);
  const count = conn('decisions');
  if (options.status === 'draft' || options.status === 'published') {
    query.where('d.status', options.status);
    count.where('status', options.status);
  }
  const rows = (await query
    .orderBy([
      { column: 'd.updated_at', order: 'desc' },
      { column: 'd.id', order: 'desc' },
    ])
    .limit(options.limit)
    .offset(options.offset)) as EditorDecisionRow[];
  const total = Number(((await count.count({ n: '*' }).first()) as { n: number }).n);
  return { rows, total };
}

export async function findForEditors(
  conn: Conn,
  id: number,
  forUpdate = false,
): Promise<EditorDecisionRow | undefined> {
  const query = base(conn).where('d.id', id).first();
  if (forUpdate) query.forUpdate('d');
  return (await query) as EditorDecisionRow | undefined;
}

export async function categoryIdBySlug(conn: Conn, slug: string | null): Promise<number | null> {
  if (!slug) return null;
  const row = (await conn('decision_categories').where({ slug }).first('id')) as
    { id: number } | undefined;
  return row?.id ?? null;
}

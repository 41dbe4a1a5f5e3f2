import type { Knex } from 'knex';
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

/** What the editors' list may be narrowed by: status, and a search by number, subject or ADA. */
export interface EditorListFilter {
  status?: string;
  q?: string;
}

/** `7` or `7/2026` finds a decision by its number (and year); other text, by subject words or ADA. */
function applyFilter(query: Knex.QueryBuilder, filter: EditorListFilter) {
  if (filter.status === 'draft' || filter.status === 'published')
    query.where('d.status', filter.status);
  const q = filter.q?.trim();
  if (!q) return;
  const number = /^(\d{1,6})(?:\s*\/\s*(\d{4}))?$/.exec(q);
  if (number) {
    query.where('d.number', Number(number[1]));
    if (number[2]) query.where('d.year', Number(number[2]));
    return;
  }
  // Each word must be in the subject (accents and case aside), or the whole text is the ADA.
  const words = q.split(/\s+/).slice(0, 10);
  query.where((where) =>
    where
      .where((subject) => {
        for (const word of words)
          subject.whereRaw(
            `public.search_fold(d.subject) LIKE '%' || public.search_fold(?) || '%'`,
            [word.replace(/[\\%_]/g, '\\$&')],
          );
      })
      .orWhereRaw('d.ada = upper(?)', [q]),
  );
}

export async function listForEditors(
  conn: Conn,
  options: EditorListFilter & { limit: number; offset: number },
): Promise<{ rows: EditorDecisionRow[]; total: number }> {
  const query = base(conn);
  const count = conn('decisions as d');
  applyFilter(query, options);
  applyFilter(count, options);
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

/** The columns an editor writes (the category by its id). */
export interface DecisionColumns {
  number: number | null;
  year: number;
  meeting_date: string;
  category_id: number | null;
  subject: string;
  summary: string;
  ada: string | null;
  document_file: string | null;
}

export async function insertDecision(
  conn: Conn,
  row: DecisionColumns & { status: 'draft' },
): Promise<number> {
  const [created] = (await conn('decisions').insert(row).returning('id')) as { id: number }[];
  return created!.id;
}

export async function updateDecisionColumns(
  conn: Conn,
  id: number,
  columns: DecisionColumns,
): Promise<void> {
  await conn('decisions')
    .where({ id })
    .update({ ...columns, updated_at: conn.fn.now() });
}

/** Publishing stamps `published_at`; taking it back to draft keeps the first publication's. */
export async function updateDecisionStatus(
  conn: Conn,
  id: number,
  status: 'draft' | 'published',
  publishedBefore: Date | null,
): Promise<void> {
  await conn('decisions')
    .where({ id })
    .update({
      status,
      published_at: status === 'published' ? conn.fn.now() : publishedBefore,
      updated_at: conn.fn.now(),
    });
}

/** A draft from Diavgeia; undefined when a decision with its ADA is already here. */
export async function insertImportedDraft(
  conn: Conn,
  draft: {
    year: number;
    meeting_date: string;
    subject: string;
    ada: string;
    source_url: string | null;
  },
): Promise<number | undefined> {
  const inserted = (await conn('decisions')
    .insert({ ...draft, status: 'draft' })
    .onConflict('ada')
    .ignore()
    .returning('id')) as { id: number }[];
  return inserted[0]?.id;
}

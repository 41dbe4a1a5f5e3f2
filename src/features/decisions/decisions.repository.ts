import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';

export const TS_CONFIG = 'public.greek_unaccent';
// Private-use characters mark matches in ts_headline output; they are swapped for <mark> after escaping.
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
/** Between two pieces of a summary's excerpt: they come from different places in it. */
export const FRAGMENT_DELIMITER = ' … ';

export interface DecisionFilters {
  q?: string;
  year?: number;
  category?: string;
  from?: string;
  to?: string;
}

export interface DecisionRow {
  id: number;
  number: number;
  year: number;
  meeting_date: string;
  subject: string;
  summary: string;
  ada: string | null;
  document_file: string | null;
  category_slug: string;
  category_name_el: string;
  category_name_en: string;
  updated_at: Date;
  published_at: Date | null;
}

export interface DecisionListRow extends DecisionRow {
  subject_headline: string | null;
  summary_headline: string | null;
}

export interface CategoryRow {
  id: number;
  slug: string;
  name_el: string;
  name_en: string;
}

const COLUMNS = [
  'd.id',
  'd.number',
  'd.year',
  'd.meeting_date',
  'd.subject',
  'd.summary',
  'd.ada',
  'd.document_file',
  'd.updated_at',
  'd.published_at',
  'c.slug as category_slug',
  'c.name_el as category_name_el',
  'c.name_en as category_name_en',
];

const NEWEST_FIRST: { column: string; order: 'desc' }[] = [
  { column: 'd.meeting_date', order: 'desc' },
  { column: 'd.number', order: 'desc' },
  { column: 'd.id', order: 'desc' },
];

function publishedDecisions(conn: Conn, filters: DecisionFilters): Knex.QueryBuilder {
  const query = conn('decisions as d')
    .join('decision_categories as c', 'c.id', 'd.category_id')
    .where('d.status', 'published');
  if (filters.year) query.where('d.year', filters.year);
  if (filters.category) query.where('c.slug', filters.category);
  if (filters.from) query.where('d.meeting_date', '>=', filters.from);
  if (filters.to) query.where('d.meeting_date', '<=', filters.to);
  if (filters.q) query.whereRaw(`d.search @@ websearch_to_tsquery('${TS_CONFIG}', ?)`, [filters.q]);
  return query;
}

export async function listPublishedDecisions(
  conn: Conn,
  filters: DecisionFilters,
  page: { limit: number; offset: number },
): Promise<DecisionListRow[]> {
  return (await publishedDecisions(conn, filters)
    .select(COLUMNS)
    .orderBy(NEWEST_FIRST)
    .limit(page.limit)
    .offset(page.offset)) as DecisionListRow[];
}

/**
 * A full-text search page, best match first, with the total number of matches, in one scan:
 * the inner query ranks and counts, the outer one highlights only the rows on the page.
 */
export async function searchPublishedDecisions(
  conn: Conn,
  filters: DecisionFilters & { q: string },
  page: { limit: number; offset: number },
): Promise<{ rows: DecisionListRow[]; total: number }> {
  const query = `websearch_to_tsquery('${TS_CONFIG}', ?)`;
  const ranked = publishedDecisions(conn, filters)
    .select('d.id', conn.raw('count(*) OVER () AS total_matches'))
    .select(conn.raw(`ts_rank_cd(d.search, ${query}) AS rank`, [filters.q]))
    .orderBy([{ column: 'rank', order: 'desc' }, ...NEWEST_FIRST])
    .limit(page.limit)
    .offset(page.offset);
  const marks = `StartSel=${MARK_START}, StopSel=${MARK_END}`;
  const rows = (await conn
    .from(ranked.as('r'))
    .join('decisions as d', 'd.id', 'r.id')
    .join('decision_categories as c', 'c.id', 'd.category_id')
    // One array: knex's select(array, column) silently drops the second argument.
    .select([...COLUMNS, 'r.total_matches'])
    .select(
      conn.raw(`ts_headline('${TS_CONFIG}', d.subject, ${query}, ?) AS subject_headline`, [
        filters.q,
        `${marks}, HighlightAll=true`,
      ]),
      conn.raw(`ts_headline('${TS_CONFIG}', d.summary, ${query}, ?) AS summary_headline`, [
        filters.q,
        `${marks}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter="${FRAGMENT_DELIMITER}"`,
      ]),
    )
    .orderBy([{ column: 'r.rank', order: 'desc' }, ...NEWEST_FIRST])) as (DecisionListRow & {
    total_matches: number;
  })[];
  if (rows.length > 0) return { rows, total: Number(rows[0]?.total_matches) };
  const total = page.offset > 0 ? await countPublishedDecisions(conn, filters, 1_000_000) : 0;
  return { rows, total };
}

/** Counts matches up to `cap` + 1: an exact total is not worth scanning 100,000 rows per page view. */
export async function countPublishedDecisions(
  conn: Conn,
  filters: DecisionFilters,
  cap: number,
): Promise<number> {
  const inner = publishedDecisions(conn, filters)
    .select(conn.raw('1'))
    .limit(cap + 1);
  const row = (await conn.from(inner.as('matches')).count({ total: '*' }).first()) as
    { total: number } | undefined;
  return Number(row?.total ?? 0);
}

export async function findPublishedDecision(
  conn: Conn,
  id: number,
): Promise<DecisionRow | undefined> {
  return (await publishedDecisions(conn, {}).where('d.id', id).select(COLUMNS).first()) as
    DecisionRow | undefined;
}

export async function listSameMeeting(conn: Conn, decision: DecisionRow): Promise<DecisionRow[]> {
  return (await publishedDecisions(conn, {})
    .where('d.meeting_date', decision.meeting_date)
    .whereNot('d.id', decision.id)
    .select(COLUMNS)
    .orderBy('d.number')
    .limit(50)) as DecisionRow[];
}

export async function latestPublishedDecisions(conn: Conn, limit: number): Promise<DecisionRow[]> {
  return (await publishedDecisions(conn, {})
    .select(COLUMNS)
    .orderBy(NEWEST_FIRST)
    .limit(limit)) as DecisionRow[];
}

export async function listDecisionCategories(conn: Conn): Promise<CategoryRow[]> {
  return (await conn('decision_categories')
    .select('id', 'slug', 'name_el', 'name_en')
    .orderBy(['position', 'id'])) as CategoryRow[];
}

/** The years that have decisions, newest first: min and max come straight off the (year, number) index. */
export async function decisionYears(conn: Conn): Promise<number[]> {
  const row = (await conn('decisions').min({ min: 'year' }).max({ max: 'year' }).first()) as
    { min: number | null; max: number | null } | undefined;
  if (!row?.min || !row.max) return [];
  const years: number[] = [];
  for (let year = row.max; year >= row.min; year -= 1) years.push(year);
  return years;
}

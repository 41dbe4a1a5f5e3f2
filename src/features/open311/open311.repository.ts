import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';
import type { CategoryRow } from '../requests/categories.repository.ts';
import { wherePublic } from '../requests/public-list.repository.ts';
import { PUBLIC_AREA_SQL, publicPointColumns } from '../requests/public-location.ts';

/** A category as a service: its code (slug), names, group and department. */
export interface ServiceRow {
  slug: string;
  group_key: string;
  name: Localized;
  department: Localized;
}

export async function listServices(conn: Conn): Promise<ServiceRow[]> {
  return (await conn('request_categories as c')
    .join('departments as d', 'd.id', 'c.department_id')
    .where('c.active', true)
    .orderBy(['c.position', 'c.id'])
    .select('c.slug', 'c.group_key', 'c.name', 'd.name as department')) as ServiceRow[];
}

/** An active category by its code, with what filing needs. */
export async function findActiveCategoryBySlug(
  conn: Conn,
  slug: string,
): Promise<CategoryRow | undefined> {
  return (await conn('request_categories')
    .where({ slug, active: true })
    .first(
      'id',
      'slug',
      'group_key',
      'department_id',
      'name',
      'deadline_days',
      'may_be_public',
    )) as CategoryRow | undefined;
}

/** A request as Open311 shows it: no one's name, email or phone, ever. */
export interface Open311RequestRow {
  year: number;
  number: number;
  status: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  due_date: string;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  service_code: string;
  service_name: Localized;
  department: Localized;
  /** The latest note the department wrote for the public. */
  status_note: string | null;
  merged_year: number | null;
  merged_number: number | null;
  media_url: string | null;
}

export interface RequestFilters {
  /** By reference; overrides every other filter but `includePrivate`. */
  references?: readonly { year: number; number: number }[];
  serviceCodes?: readonly string[];
  from?: Date;
  to?: Date;
  closed?: boolean;
  /** Also requests the public may not see (wherePublic; a key with open311:read-all). */
  includePrivate: boolean;
  limit: number;
}

const CLOSED = ['closed', 'merged'];

/** What an answer shows of each request, from `r` (and its category, department, original). */
function presentedColumns(conn: Conn, includePrivate: boolean) {
  return [
    'r.year',
    'r.number',
    'r.status',
    'r.description',
    // A key that sees everything gets the exact place; anyone else the place as the public list
    // shows it (the street alone, no point, for a street-only category).
    ...(includePrivate
      ? ['r.address', 'r.lat', 'r.lng']
      : [conn.raw(`${PUBLIC_AREA_SQL} AS address`), ...publicPointColumns(conn)]),
    conn.raw("to_char(r.due_date, 'YYYY-MM-DD') AS due_date"),
    'r.created_at',
    'r.updated_at',
    'r.closed_at',
    'c.slug as service_code',
    'c.name as service_name',
    'd.name as department',
    'm.year as merged_year',
    'm.number as merged_number',
    // The reporter's own link is shown only to keys that see everything (open311:read-all).
    includePrivate
      ? conn.raw(
          '(SELECT o.media_url FROM open311_reporters o WHERE o.request_id = r.id) AS media_url',
        )
      : conn.raw('NULL AS media_url'),
    conn.raw(`(SELECT e.public_note FROM request_events e
      WHERE e.request_id = r.id AND e.public_note IS NOT NULL AND NOT e.by_citizen
      ORDER BY e.id DESC LIMIT 1) AS status_note`),
  ];
}

/**
 * Requests newest first, as filtered; public ones only unless `includePrivate`. One query: for
 * each category asked for (every one, without a service code), its newest `limit` requests in the
 * window, read in order from requests_category_public_idx (a LATERAL subquery that stops at the
 * limit), then the newest `limit` of those; the names, original and latest note only for them.
 */
export async function listOpen311Requests(
  conn: Conn,
  filters: RequestFilters,
): Promise<Open311RequestRow[]> {
  if (filters.references) return listByReferences(conn, filters.references, filters);
  const perCategory = conn('requests as w')
    .select(
      'w.id',
      'w.year',
      'w.number',
      'w.status',
      'w.description',
      'w.address',
      'w.lat',
      'w.lng',
      'w.due_date',
      'w.created_at',
      'w.updated_at',
      'w.closed_at',
      'w.category_id',
      'w.department_id',
      'w.merged_into',
    )
    .whereRaw('w.category_id = k.id')
    .orderBy([
      { column: 'w.created_at', order: 'desc' },
      { column: 'w.id', order: 'desc' },
    ])
    .limit(filters.limit);
  if (!filters.includePrivate) perCategory.where('w.public', true);
  if (filters.from) perCategory.where('w.created_at', '>=', filters.from);
  if (filters.to) perCategory.where('w.created_at', '<=', filters.to);
  if (filters.closed === true) perCategory.whereIn('w.status', CLOSED);
  if (filters.closed === false) perCategory.whereNotIn('w.status', CLOSED);
  // The categories' ids as an array (ARRAY(subquery)): the planner counts ten, not the hundreds
  // a never-analysed request_categories would suggest, so the plan stays small (and without JIT).
  const categories = conn('request_categories').select('id');
  if (filters.serviceCodes) categories.whereIn('slug', [...filters.serviceCodes]);
  // The public rule (wherePublic: marked public, in a category that may be public) in two
  // halves here: the category's half on the categories' list, the request's on each row.
  if (!filters.includePrivate) categories.where('may_be_public', true);
  return (await conn
    .select(presentedColumns(conn, filters.includePrivate))
    .from(conn.raw('unnest(ARRAY(?)) AS k (id)', [categories]))
    .crossJoin(conn.raw('LATERAL (?) AS r', [perCategory]))
    .join('request_categories as c', 'c.id', 'r.category_id')
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('requests as m', 'm.id', 'r.merged_into')
    .orderBy([
      { column: 'r.created_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(filters.limit)) as Open311RequestRow[];
}

/** By reference (the unique year and number), whatever their dates. */
async function listByReferences(
  conn: Conn,
  references: readonly { year: number; number: number }[],
  filters: RequestFilters,
): Promise<Open311RequestRow[]> {
  if (!references.length) return [];
  const query = conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('requests as m', 'm.id', 'r.merged_into')
    .select(presentedColumns(conn, filters.includePrivate))
    .whereIn(
      ['r.year', 'r.number'],
      references.map((ref) => [ref.year, ref.number]),
    )
    .orderBy([
      { column: 'r.created_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(filters.limit);
  if (!filters.includePrivate) wherePublic(query);
  return (await query) as Open311RequestRow[];
}

export async function insertReporter(
  conn: Conn,
  row: {
    request_id: number;
    api_key_id: number;
    email: string | null;
    first_name: string | null;
    last_name: string | null;
    phone: string | null;
    media_url: string | null;
    token_hash: Buffer;
  },
): Promise<void> {
  await conn('open311_reporters').insert(row);
}

/** The reference of the request an Open311 token was given for. */
export async function findReferenceByToken(
  conn: Conn,
  tokenHash: Buffer,
): Promise<{ year: number; number: number } | undefined> {
  return (await conn('open311_reporters as o')
    .join('requests as r', 'r.id', 'o.request_id')
    .where('o.token_hash', tokenHash)
    .first('r.year', 'r.number')) as { year: number; number: number } | undefined;
}

export async function insertStatusLink(
  conn: Conn,
  requestId: number,
  tokenHash: Buffer,
): Promise<void> {
  await conn('open311_status_links').insert({ request_id: requestId, token_hash: tokenHash });
}

/** Whom to tell of a request's changes: its Open311 reporter's email and language, if any. */
export async function findReporterContact(
  conn: Conn,
  requestId: number,
): Promise<{ email: string; first_name: string | null; lang: string } | undefined> {
  return (await conn('open311_reporters as o')
    .join('requests as r', 'r.id', 'o.request_id')
    .where('o.request_id', requestId)
    .whereNotNull('o.email')
    .first('o.email', 'o.first_name', 'r.lang')) as
    { email: string; first_name: string | null; lang: string } | undefined;
}

/** The request a status link opens, with what its page shows (nothing personal). */
export async function findRequestByStatusLink(
  conn: Conn,
  tokenHash: Buffer,
): Promise<
  | {
      id: number;
      year: number;
      number: number;
      title: string | null;
      status: string;
      address: string | null;
      due_date: string;
      created_at: Date;
      closed_at: Date | null;
      category: Localized;
      department: Localized;
      merged_year: number | null;
      merged_number: number | null;
    }
  | undefined
> {
  return (await conn('open311_status_links as l')
    .join('requests as r', 'r.id', 'l.request_id')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('requests as m', 'm.id', 'r.merged_into')
    .where('l.token_hash', tokenHash)
    .first(
      'r.id',
      'r.year',
      'r.number',
      'r.title',
      'r.status',
      'r.address',
      conn.raw("to_char(r.due_date, 'YYYY-MM-DD') AS due_date"),
      'r.created_at',
      'r.closed_at',
      'c.name as category',
      'd.name as department',
      'm.year as merged_year',
      'm.number as merged_number',
    )) as Awaited<ReturnType<typeof findRequestByStatusLink>>;
}

import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';
import type { RequestStatus } from './requests.repository.ts';
import { PUBLIC_AREA_SQL, publicPointColumns } from './public-location.ts';

/**
 * What the public may see of requests: those a handler marked public (the visibility action) in
 * a category that may be public (an admin who turns that off later takes them all off at once).
 * The one rule for the public list, its photos and feed, and Open311's GET requests; the query
 * names the request `r` and joins its category as `c` (or says its names in `as`).
 */
export function wherePublic(
  query: Knex.QueryBuilder,
  as: { request: string; category: string } = { request: 'r', category: 'c' },
): Knex.QueryBuilder {
  return query.where(`${as.request}.public`, true).where(`${as.category}.may_be_public`, true);
}

/** How long a closed request stays on the public list. */
export const LISTED_DAYS_AFTER_CLOSING = 30;

export type PublicStatus = 'open' | 'closed';

/**
 * The public list's two halves: public requests still open, and those closed in the last 30
 * days; never a merged duplicate (its original is listed). Each half has its partial index
 * (20261212100300_public_list), which holds all a page of the list needs to pick its requests.
 */
const LISTED: Record<PublicStatus, (q: Knex.QueryBuilder, now: Date) => Knex.QueryBuilder> = {
  open: (q) => q.whereNotIn('r.status', ['closed', 'merged']),
  closed: (q, now) =>
    q
      .where('r.status', 'closed')
      .where('r.closed_at', '>=', new Date(now.getTime() - LISTED_DAYS_AFTER_CLOSING * 86_400_000)),
};

/** A request on the public list (either half). */
function whereListed(query: Knex.QueryBuilder, now: Date): Knex.QueryBuilder {
  return wherePublic(query).where((q) =>
    q.where((open) => LISTED.open(open, now)).orWhere((closed) => LISTED.closed(closed, now)),
  );
}

/** Timeline entries the public sees (a citizen's own comments and photos, and internal steps, not). */
export const PUBLIC_EVENT_KINDS = [
  'submitted',
  'assigned',
  'status',
  'answer',
  'moved',
  'reopened',
  'withdrawn',
] as const;

export interface PublicPhoto {
  id: number;
  width: number;
  height: number;
}

export interface PublicRequestRow {
  id: number;
  year: number;
  number: number;
  title: string | null;
  status: RequestStatus;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  category_slug: string;
  category_name: Localized;
  area: string | null;
  /** Only for a category that shows the exact point. */
  lat: number | null;
  lng: number | null;
  /** Only when the citizen allowed it (`show_name`). */
  citizen_name: string | null;
  /** Only the photos a handler approved. */
  photos: PublicPhoto[];
}

/**
 * What any page of the public list may show of a request. Nothing else is ever read for it: no
 * point for a street-only category, no name without consent, no photo without approval.
 */
function publicColumns(conn: Conn) {
  return [
    'r.id',
    'r.year',
    'r.number',
    'r.title',
    'r.status',
    'r.created_at',
    'r.updated_at',
    'r.closed_at',
    'c.slug as category_slug',
    'c.name as category_name',
    conn.raw(`${PUBLIC_AREA_SQL} AS area`),
    ...publicPointColumns(conn),
    conn.raw('CASE WHEN r.show_name THEN u.full_name END AS citizen_name'),
    conn.raw(`COALESCE((SELECT json_agg(json_build_object('id', p.id, 'width', p.width,
        'height', p.height) ORDER BY p.id)
      FROM request_photos p WHERE p.request_id = r.id AND p.approved_at IS NOT NULL),
      '[]'::json) AS photos`),
  ];
}

export interface PublicListFilters {
  category?: string;
  status?: PublicStatus;
  /** Words of the street or area (accents and case ignored). */
  area?: string;
}

export type PublicListRow = PublicRequestRow & {
  /** The latest note the department wrote for the public, and when. */
  latest_note: string | null;
  latest_note_at: Date | null;
};

/** `%` and `_` typed by a person are letters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the public list, newest first, and how many there are in all. The page's ids and
 * the count come from the two halves' indexes alone (UNION ALL: an OR of the two would read every
 * listed row from the table); what the page shows is then read for those ids only.
 */
export async function listPublicRequests(
  conn: Conn,
  filters: PublicListFilters,
  page: { size: number; number: number },
  now: Date,
): Promise<{ rows: PublicListRow[]; total: number }> {
  const halves = (Object.keys(LISTED) as PublicStatus[])
    .filter((half) => !filters.status || filters.status === half)
    .map((half) => {
      const query = conn('requests as r')
        .join('request_categories as c', 'c.id', 'r.category_id')
        .select('r.id', 'r.created_at');
      LISTED[half](wherePublic(query), now);
      if (filters.category) void query.where('c.slug', filters.category);
      if (filters.area)
        void query.whereRaw(`public.search_fold(${PUBLIC_AREA_SQL}) LIKE public.search_fold(?)`, [
          likePattern(filters.area),
        ]);
      return query;
    });
  const ids = conn
    .from(conn.raw(`(${halves.map(() => '?').join(' UNION ALL ')}) AS listed`, halves))
    .select('listed.id', conn.raw('count(*) OVER () AS total'))
    .orderBy([
      { column: 'listed.created_at', order: 'desc' },
      { column: 'listed.id', order: 'desc' },
    ])
    .limit(page.size)
    .offset((page.number - 1) * page.size);
  const rows = (await conn
    .with('page', ids)
    .from('page')
    .join('requests as r', 'r.id', 'page.id')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .joinRaw(
      `LEFT JOIN LATERAL (SELECT e.public_note AS latest_note, e.created_at AS latest_note_at
        FROM request_events e
        WHERE e.request_id = r.id AND e.public_note IS NOT NULL AND NOT e.by_citizen
          AND e.kind IN (${PUBLIC_EVENT_KINDS.map(() => '?').join(', ')})
        ORDER BY e.id DESC LIMIT 1) n ON true`,
      [...PUBLIC_EVENT_KINDS],
    )
    .select(...publicColumns(conn), 'n.latest_note', 'n.latest_note_at', 'page.total')
    .orderBy([
      { column: 'r.created_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])) as (PublicListRow & { total: string })[];
  return { rows, total: rows.length ? Number(rows[0]!.total) : 0 };
}

/** One request of the public list, with the citizen's own description (public by the same rule). */
export async function findPublicRequest(
  conn: Conn,
  ref: { year: number; number: number },
  now: Date,
): Promise<(PublicRequestRow & { description: string }) | undefined> {
  const query = conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .where({ 'r.year': ref.year, 'r.number': ref.number })
    .first(...publicColumns(conn), 'r.description');
  whereListed(query, now);
  return (await query) as (PublicRequestRow & { description: string }) | undefined;
}

/** An approved photo of a request on the public list; undefined for any other. */
export async function findPublicPhoto(
  conn: Conn,
  ref: { year: number; number: number },
  photoId: number,
  now: Date,
): Promise<{ file: string } | undefined> {
  const query = conn('request_photos as p')
    .join('requests as r', 'r.id', 'p.request_id')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where({ 'p.id': photoId, 'r.year': ref.year, 'r.number': ref.number })
    .whereNotNull('p.approved_at')
    .first('p.file');
  whereListed(query, now);
  return (await query) as { file: string } | undefined;
}

/** The categories the list may show, for its filter, in the municipality's order. */
export async function listPublicCategories(
  conn: Conn,
): Promise<{ slug: string; name: Localized }[]> {
  return (await conn('request_categories')
    .where({ may_be_public: true })
    .orderBy(['position', 'id'])
    .select('slug', 'name')) as { slug: string; name: Localized }[];
}

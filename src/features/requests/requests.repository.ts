import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';
import { wherePublic } from './public-list.repository.ts';
import { PUBLIC_AREA_SQL } from './public-location.ts';

export type RequestStatus =
  'submitted' | 'assigned' | 'in_progress' | 'answered' | 'closed' | 'merged';
export type RequestKind = 'request' | 'complaint';

export interface RequestRow {
  id: number;
  year: number;
  number: number;
  user_id: number | null;
  category_id: number;
  department_id: number;
  kind: RequestKind;
  channel: string;
  title: string | null;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  status: RequestStatus;
  merged_into: number | null;
  public: boolean;
  /** The citizen's consent to their name on the public list, should the request be published. */
  show_name: boolean;
  due_date: string;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface EventRow {
  id: number;
  kind: string;
  status: string | null;
  by_citizen: boolean;
  public_note: string | null;
  created_at: Date;
}

/** The next reference number of a year, taken inside the filing transaction. */
export async function nextRequestNumber(conn: Conn, year: number): Promise<number> {
  const result = (await conn.raw(
    `INSERT INTO request_numbers (year, last) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last = request_numbers.last + 1
     RETURNING last`,
    [year],
  )) as { rows: { last: number }[] };
  return result.rows[0]!.last;
}

export interface NearbyRequest {
  id: number;
  year: number;
  number: number;
  status: RequestStatus;
  created_at: Date;
  /**
   * Metres from the point, to the nearest 10 (at least 10): exact distances from a few chosen
   * points would tell where a request nobody published is.
   */
  distance: number;
  category_name: Localized;
  /** Public by the public list's rule (`wherePublic`); only then are its title and place read. */
  public: boolean;
  title: string | null;
  /** Its place as the public list shows it (the street alone for a street-only category). */
  area: string | null;
}

/**
 * Open requests of a category within `metres` of a point, nearest first (earthdistance, on the
 * GiST index of open requests' locations). Its title and place are read only for a request that
 * is public by the public list's rule; its description never.
 */
export async function findNearbyOpen(
  conn: Conn,
  point: { lat: number; lng: number; categoryId?: number; excludeUserId?: number },
  metres: number,
): Promise<NearbyRequest[]> {
  // The public list's own rule, as a value: SELECT 1 WHERE r.public AND c.may_be_public.
  const shown = wherePublic(conn.queryBuilder().select(conn.raw('1')));
  const query = conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .joinRaw('CROSS JOIN LATERAL (SELECT EXISTS ? AS public) AS v', [conn.raw('?', [shown])])
    .whereNotNull('r.lat')
    .whereNotIn('r.status', ['closed', 'merged'])
    .whereRaw('earth_box(ll_to_earth(?, ?), ?) @> ll_to_earth(r.lat, r.lng)', [
      point.lat,
      point.lng,
      metres,
    ])
    .whereRaw('earth_distance(ll_to_earth(?, ?), ll_to_earth(r.lat, r.lng)) <= ?', [
      point.lat,
      point.lng,
      metres,
    ])
    .select(
      'r.id',
      'r.year',
      'r.number',
      'r.status',
      'r.created_at',
      'c.name as category_name',
      'v.public',
      conn.raw('CASE WHEN v.public THEN r.title END AS title'),
      conn.raw(`CASE WHEN v.public THEN ${PUBLIC_AREA_SQL} END AS area`),
      conn.raw(
        `greatest(10, round(earth_distance(ll_to_earth(?, ?), ll_to_earth(r.lat, r.lng)) / 10) * 10)::int
          AS distance`,
        [point.lat, point.lng],
      ),
    )
    .orderByRaw('earth_distance(ll_to_earth(?, ?), ll_to_earth(r.lat, r.lng)), r.id', [
      point.lat,
      point.lng,
    ])
    .limit(10);
  if (point.categoryId !== undefined) void query.where({ 'r.category_id': point.categoryId });
  if (point.excludeUserId !== undefined)
    void query.where((q) => q.whereNull('r.user_id').orWhereNot('r.user_id', point.excludeUserId!));
  return (await query) as NearbyRequest[];
}

export async function insertRequest(
  conn: Conn,
  row: Omit<
    RequestRow,
    | 'id'
    | 'status'
    | 'created_at'
    | 'updated_at'
    | 'closed_at'
    | 'merged_into'
    | 'public'
    | 'show_name'
  > & {
    lang: string;
    /** The citizen's consent to their name on the public list (off when not given). */
    show_name?: boolean;
  },
): Promise<number> {
  const [inserted] = (await conn('requests').insert(row).returning('id')) as { id: number }[];
  return inserted!.id;
}

export async function insertEvent(
  conn: Conn,
  event: {
    request_id: number;
    kind: string;
    status?: string | null;
    actor_id?: number | null;
    by_citizen?: boolean;
    public_note?: string | null;
    internal_note?: string | null;
  },
): Promise<number> {
  const [inserted] = (await conn('request_events').insert(event).returning('id')) as {
    id: number;
  }[];
  return inserted!.id;
}

/** Requests (as `r`) the citizen filed or follows. */
function filedOrFollowedBy(userId: number) {
  return (q: Knex.QueryBuilder) =>
    q
      .where('r.user_id', userId)
      .orWhereExists((s) =>
        s
          .select(1)
          .from('request_followers as f')
          .whereRaw('f.request_id = r.id')
          .where('f.user_id', userId),
      );
}

export type CitizenRequestRow = RequestRow & { following: boolean; category_name: Localized };

/** A request by its reference, with its category's name, if the citizen filed or follows it. */
export async function findCitizenRequest(
  conn: Conn,
  ref: { year: number; number: number },
  userId: number,
): Promise<CitizenRequestRow | undefined> {
  return (await conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where({ 'r.year': ref.year, 'r.number': ref.number })
    .where(filedOrFollowedBy(userId))
    .first(
      'r.*',
      'c.name as category_name',
      conn.raw('(r.user_id IS DISTINCT FROM ?) AS following', [userId]),
    )) as CitizenRequestRow | undefined;
}

export async function listPublicEvents(conn: Conn, requestId: number): Promise<EventRow[]> {
  return (await conn('request_events')
    .where({ request_id: requestId })
    .orderBy('id')
    .select('id', 'kind', 'status', 'by_citizen', 'public_note', 'created_at')) as EventRow[];
}

/** The reference of the request a duplicate was merged into. */
export async function findReferenceOf(
  conn: Conn,
  id: number,
): Promise<{ year: number; number: number } | undefined> {
  return (await conn('requests').where({ id }).first('year', 'number')) as
    { year: number; number: number } | undefined;
}

/** The citizen's own requests and those they follow, newest first. */
export async function listCitizenRequests(
  conn: Conn,
  userId: number,
): Promise<(RequestRow & { following: boolean; category_name: Localized })[]> {
  return (await conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where(filedOrFollowedBy(userId))
    .orderBy('r.created_at', 'desc')
    .limit(200)
    .select(
      'r.*',
      'c.name as category_name',
      conn.raw('(r.user_id IS DISTINCT FROM ?) AS following', [userId]),
    )) as (RequestRow & {
    following: boolean;
    category_name: Localized;
  })[];
}

export async function countOpenForUser(conn: Conn, userId: number): Promise<number> {
  const [row] = (await conn('requests')
    .where({ user_id: userId })
    .whereNotIn('status', ['closed', 'merged'])
    .count({ n: '*' })) as { n: string }[];
  return Number(row?.n ?? 0);
}

export async function follow(conn: Conn, requestId: number, userId: number): Promise<void> {
  await conn('request_followers')
    .insert({ request_id: requestId, user_id: userId })
    .onConflict()
    .ignore();
}

export interface LatestRequest {
  year: number;
  number: number;
  status: RequestStatus;
  category_name: Localized;
  created_at: Date;
}

/** The requests the citizen filed themselves (not those they follow), newest first. */
export async function listLatestFiledBy(
  conn: Conn,
  userId: number,
  limit: number,
): Promise<LatestRequest[]> {
  return (await conn('requests as r')
    .join('request_categories as c', 'c.id', 'r.category_id')
    .where('r.user_id', userId)
    .orderBy([
      { column: 'r.created_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .limit(limit)
    .select(
      'r.year',
      'r.number',
      'r.status',
      'r.created_at',
      'c.name as category_name',
    )) as LatestRequest[];
}

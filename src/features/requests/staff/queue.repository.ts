import type { Knex } from 'knex';
import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';
import type { RequestStatus } from '../requests.repository.ts';

/** Statuses in which a request still waits for the municipality: past its due date, it is overdue. */
export const WAITING_STATUSES = ['submitted', 'assigned', 'in_progress'] as const;

export type QueueSort = 'newest' | 'oldest' | 'due';

export interface QueueFilters {
  /** The handler's departments, or the one of them picked in the filter. */
  departmentIds: readonly number[];
  status?: RequestStatus;
  categoryId?: number;
  channel?: string;
  overdue?: boolean;
  /** Calendar days in Athens, inclusive. */
  from?: string;
  to?: string;
  reference?: { year: number; number: number };
  text?: string;
  /** Today in Athens, for "overdue". */
  today: string;
}

export interface QueueRow {
  id: number;
  year: number;
  number: number;
  title: string | null;
  status: RequestStatus;
  channel: string;
  due_date: string;
  created_at: Date;
  category_name: Localized;
  department_name: Localized;
  assignee_name: string | null;
  overdue: boolean;
}

/** `%` and `_` typed by a person are letters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Every filter but the status, so one grouped count gives each status's number. */
function applyFilters(query: Knex.QueryBuilder, filters: QueueFilters): Knex.QueryBuilder {
  query.whereIn('r.department_id', filters.departmentIds);
  if (filters.categoryId) query.where('r.category_id', filters.categoryId);
  if (filters.channel) query.where('r.channel', filters.channel);
  if (filters.overdue)
    query.where('r.due_date', '<', filters.today).whereIn('r.status', WAITING_STATUSES);
  if (filters.from)
    query.whereRaw(`r.created_at >= (?::date)::timestamp AT TIME ZONE 'Europe/Athens'`, [
      filters.from,
    ]);
  if (filters.to)
    query.whereRaw(`r.created_at < (?::date + 1)::timestamp AT TIME ZONE 'Europe/Athens'`, [
      filters.to,
    ]);
  if (filters.reference)
    query.where({ 'r.year': filters.reference.year, 'r.number': filters.reference.number });
  if (filters.text) {
    const pattern = likePattern(filters.text);
    query.where((q) =>
      q
        .whereILike('r.title', pattern)
        .orWhereILike('r.description', pattern)
        .orWhereILike('r.address', pattern),
    );
  }
  return query;
}

/**
 * How many requests of each status match the other filters: summed from the kept counts
 * (request_counts) when the filters are departments, category and channel only (any other, or
 * one added later, counts over the requests).
 */
export async function countQueueByStatus(
  conn: Conn,
  filters: QueueFilters,
): Promise<Map<RequestStatus, number>> {
  const kept = new Set(['departmentIds', 'today', 'status', 'categoryId', 'channel']);
  if (Object.entries(filters).every(([key, value]) => kept.has(key) || value === undefined)) {
    const query = conn('request_counts')
      .whereIn('department_id', filters.departmentIds)
      .groupBy('status')
      .havingRaw('sum(n) > 0')
      .select('status', conn.raw('sum(n)::int AS n'));
    if (filters.categoryId) query.where('category_id', filters.categoryId);
    if (filters.channel) query.where('channel', filters.channel);
    const summed = (await query) as { status: RequestStatus; n: number }[];
    return new Map(summed.map((row) => [row.status, row.n]));
  }
  const rows = (await applyFilters(conn('requests as r'), filters)
    .groupBy('r.status')
    .select('r.status', conn.raw('count(*)::int AS n'))) as { status: RequestStatus; n: number }[];
  return new Map(rows.map((row) => [row.status, row.n]));
}

const ORDER: Record<QueueSort, [string, 'asc' | 'desc'][]> = {
  newest: [
    ['r.created_at', 'desc'],
    ['r.id', 'desc'],
  ],
  oldest: [
    ['r.created_at', 'asc'],
    ['r.id', 'asc'],
  ],
  due: [
    ['r.due_date', 'asc'],
    ['r.id', 'asc'],
  ],
};

/** One page of the queue (on requests_queue_idx: department, status, filing time). */
export async function listQueue(
  conn: Conn,
  filters: QueueFilters,
  options: { sort: QueueSort; limit: number; offset: number },
): Promise<QueueRow[]> {
  const query = applyFilters(conn('requests as r'), filters)
    .join('request_categories as c', 'c.id', 'r.category_id')
    .join('departments as d', 'd.id', 'r.department_id')
    .leftJoin('users as a', 'a.id', 'r.assignee_id')
    .select(
      'r.id',
      'r.year',
      'r.number',
      'r.title',
      'r.status',
      'r.channel',
      'r.due_date',
      'r.created_at',
      'c.name as category_name',
      'd.name as department_name',
      'a.full_name as assignee_name',
      conn.raw(
        `(r.due_date < ? AND r.status IN ('submitted', 'assigned', 'in_progress')) AS overdue`,
        [filters.today],
      ),
    )
    .limit(options.limit)
    .offset(options.offset);
  if (filters.status) query.where('r.status', filters.status);
  for (const [column, direction] of ORDER[options.sort]) query.orderBy(column, direction);
  return (await query) as QueueRow[];
}

/** The departments a handler belongs to, in the order the municipality lists them. */
export async function departmentsOf(
  conn: Conn,
  userId: number,
): Promise<{ id: number; name: Localized }[]> {
  return (await conn('departments as d')
    .join('department_handlers as h', 'h.department_id', 'd.id')
    .where('h.user_id', userId)
    .orderBy(['d.position', 'd.id'])
    .select('d.id', 'd.name')) as { id: number; name: Localized }[];
}

/** The active categories of some departments (the queue's category filter). */
export async function categoriesOf(
  conn: Conn,
  departmentIds: readonly number[],
): Promise<{ id: number; name: Localized; department_id: number }[]> {
  return (await conn('request_categories')
    .whereIn('department_id', departmentIds)
    .orderBy(['position', 'id'])
    .select('id', 'name', 'department_id')) as {
    id: number;
    name: Localized;
    department_id: number;
  }[];
}

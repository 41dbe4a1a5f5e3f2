import type { Conn } from '../../../db/knex.ts';
import { addDays } from '../../../lib/dates.ts';
import { MUNICIPALITY_TIME_ZONE } from '../../../lib/format.ts';

/**
 * A call as the log shows it: when, who, where they went, what came of it, how long. Only these
 * columns are read: never the state or the answer of a call in progress (a vote being confirmed
 * is in them), and the number only for what the page shows of it.
 */
export interface CallLogRow {
  id: number;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number | null;
  caller_e164: string | null;
  user_id: number | null;
  full_name: string | null;
  username: string | null;
  menus: string[];
  outcomes: string[];
}

/** Calls started on an Athens day (YYYY-MM-DD), or all of them. */
function callsOn(conn: Conn, day: string | undefined) {
  const query = conn('phone_calls as c');
  if (!day) return query;
  // Midnight on Athens' clock, summer time or not, as the times in the list are.
  const midnight = `(?::date)::timestamp AT TIME ZONE '${MUNICIPALITY_TIME_ZONE}'`;
  return query
    .whereRaw(`c.started_at >= ${midnight}`, [day])
    .whereRaw(`c.started_at < ${midnight}`, [addDays(day, 1)]);
}

export async function countCalls(conn: Conn, day: string | undefined): Promise<number> {
  const row = (await callsOn(conn, day).count({ n: '*' }).first()) as { n: string } | undefined;
  return Number(row?.n ?? 0);
}

/** One page of the log, newest first. */
export async function listCalls(
  conn: Conn,
  day: string | undefined,
  page: { limit: number; offset: number },
): Promise<CallLogRow[]> {
  return (await callsOn(conn, day)
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select(
      'c.id',
      'c.started_at',
      'c.ended_at',
      'c.duration_seconds',
      'c.caller_e164',
      'c.user_id',
      'u.full_name',
      'u.username',
      'c.menus',
      'c.outcomes',
    )
    .orderBy([
      { column: 'c.started_at', order: 'desc' },
      { column: 'c.id', order: 'desc' },
    ])
    .limit(page.limit)
    .offset(page.offset)) as CallLogRow[];
}

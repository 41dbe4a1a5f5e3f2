import type { Conn } from '../../../db/knex.ts';
import type { Lang } from '../../../lib/localized.ts';

/** Handlers who chose the daily digest for at least one department. */
export async function digestReaders(
  conn: Conn,
): Promise<{ id: number; email: string; lang: Lang; full_name: string }[]> {
  return (await conn('users as u')
    .where('u.status', 'active')
    .whereRaw(`'handler' = ANY (u.roles)`)
    .whereExists((q) =>
      q
        .select(1)
        .from('department_handlers as h')
        .whereRaw('h.user_id = u.id')
        .where('h.daily_digest', true),
    )
    .orderBy('u.id')
    .select('u.id', 'u.email', 'u.lang', 'u.full_name')) as {
    id: number;
    email: string;
    lang: Lang;
    full_name: string;
  }[];
}

/** The requests filed on a day (in Athens) in the departments whose digest the handler reads. */
export async function filedOnDayFor(
  conn: Conn,
  userId: number,
  day: string,
): Promise<{ year: number; number: number; title: string | null }[]> {
  return (await conn('requests as r')
    .whereIn(
      'r.department_id',
      conn('department_handlers')
        .where({ user_id: userId, daily_digest: true })
        .select('department_id'),
    )
    .whereRaw(`r.created_at >= (?::date)::timestamp AT TIME ZONE 'Europe/Athens'`, [day])
    .whereRaw(`r.created_at < (?::date + 1)::timestamp AT TIME ZONE 'Europe/Athens'`, [day])
    .orderBy('r.id')
    .select('r.year', 'r.number', 'r.title')) as {
    year: number;
    number: number;
    title: string | null;
  }[];
}

/** Notes that the handler's digest of a day is sent; false if it already was. */
export async function markDigestSent(conn: Conn, userId: number, day: string): Promise<boolean> {
  const rows = (await conn('request_digests')
    .insert({ user_id: userId, day })
    .onConflict()
    .ignore()
    .returning('user_id')) as unknown[];
  return rows.length > 0;
}

import type { Conn } from '../../../db/knex.ts';
import type { Lang } from '../../../lib/localized.ts';

/** The active handlers of a department (whom a request may be assigned to). */
export async function handlersOf(
  conn: Conn,
  departmentId: number,
): Promise<{ id: number; full_name: string }[]> {
  return (await conn('users as u')
    .join('department_handlers as h', 'h.user_id', 'u.id')
    .where({ 'h.department_id': departmentId, 'u.status': 'active' })
    .whereRaw(`'handler' = ANY (u.roles)`)
    .orderBy('u.full_name')
    .select('u.id', 'u.full_name')) as { id: number; full_name: string }[];
}

/** Those who hear of a department's new requests as they arrive (not by the daily digest). */
export async function handlersToTellAtOnce(
  conn: Conn,
  departmentId: number,
): Promise<{ email: string; lang: Lang; full_name: string }[]> {
  return (await conn('users as u')
    .join('department_handlers as h', 'h.user_id', 'u.id')
    .where({ 'h.department_id': departmentId, 'h.daily_digest': false, 'u.status': 'active' })
    .whereRaw(`'handler' = ANY (u.roles)`)
    .select('u.email', 'u.lang', 'u.full_name')) as {
    email: string;
    lang: Lang;
    full_name: string;
  }[];
}

/** The citizen who filed a request and everyone who follows it, each once, with their language. */
export async function peopleToTell(
  conn: Conn,
  requestId: number,
): Promise<{ id: number; email: string; lang: Lang; full_name: string }[]> {
  return (await conn('users as u')
    .where('u.status', 'active')
    .where((q) =>
      q
        .whereIn(
          'u.id',
          conn('requests').where({ id: requestId }).whereNotNull('user_id').select('user_id'),
        )
        .orWhereIn(
          'u.id',
          conn('request_followers').where({ request_id: requestId }).select('user_id'),
        ),
    )
    .orderBy('u.id')
    .select('u.id', 'u.email', 'u.lang', 'u.full_name')) as {
    id: number;
    email: string;
    lang: Lang;
    full_name: string;
  }[];
}

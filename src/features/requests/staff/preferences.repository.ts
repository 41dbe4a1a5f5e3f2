import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';

export interface Membership {
  department_id: number;
  name: Localized;
  daily_digest: boolean;
}

/** The departments a handler belongs to, with how each one's new requests reach them. */
export async function membershipsOf(conn: Conn, userId: number): Promise<Membership[]> {
  return (await conn('department_handlers as h')
    .join('departments as d', 'd.id', 'h.department_id')
    .where('h.user_id', userId)
    .orderBy(['d.position', 'd.id'])
    .select('h.department_id', 'd.name', 'h.daily_digest')) as Membership[];
}

/** Sets the choice for one department; true if it changed (a department left meanwhile: false). */
export async function setDailyDigest(
  conn: Conn,
  userId: number,
  departmentId: number,
  dailyDigest: boolean,
): Promise<boolean> {
  return (
    (await conn('department_handlers')
      .where({ user_id: userId, department_id: departmentId })
      .whereNot('daily_digest', dailyDigest)
      .update({ daily_digest: dailyDigest })) > 0
  );
}

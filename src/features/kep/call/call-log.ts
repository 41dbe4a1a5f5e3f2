import type { Conn } from '../../../db/knex.ts';
import type { CallRole } from './jitsi.ts';

/**
 * Who entered a call when (a token issued to them): the only thing kept of a call. Never
 * picture, sound or chat.
 */
export async function recordJoin(
  conn: Conn,
  entry: { appointmentId: number; role: CallRole; userId?: number; guestId?: number; at: Date },
): Promise<void> {
  await conn('kep_call_joins').insert({
    appointment_id: entry.appointmentId,
    role: entry.role,
    user_id: entry.userId ?? null,
    guest_id: entry.guestId ?? null,
    joined_at: entry.at,
  });
}

export interface CallJoin {
  role: CallRole;
  joined_at: Date;
  name: string | null;
}

/** The call's log, oldest first, with each person's name (an account's, or a guest's). */
export function joinsOf(conn: Conn, appointmentId: number): Promise<CallJoin[]> {
  return conn('kep_call_joins as j')
    .leftJoin('users as u', 'u.id', 'j.user_id')
    .leftJoin('kep_call_guests as g', 'g.id', 'j.guest_id')
    .where('j.appointment_id', appointmentId)
    .orderBy('j.joined_at')
    .select('j.role', 'j.joined_at', conn.raw('coalesce(g.name, u.full_name) AS name'));
}

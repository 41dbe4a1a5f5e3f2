import type { Conn } from '../../../db/knex.ts';
import type { CallRole } from './jitsi.ts';

/** A page reloaded within this long is the same entering, not a new line in the log. */
const SAME_ENTRY_MS = 5 * 60_000;

/**
 * Who entered a call when (a token issued to them): the only thing kept of a call. Never
 * picture, sound or chat.
 */
export async function recordJoin(
  conn: Conn,
  entry: { appointmentId: number; role: CallRole; userId?: number; guestId?: number; at: Date },
): Promise<void> {
  await conn.raw(
    `INSERT INTO kep_call_joins (appointment_id, role, user_id, guest_id, joined_at)
     SELECT :appointmentId, :role, :userId, :guestId, :at
     WHERE NOT EXISTS (
       SELECT 1 FROM kep_call_joins
       WHERE appointment_id = :appointmentId AND role = :role
         AND user_id IS NOT DISTINCT FROM :userId::integer
         AND guest_id IS NOT DISTINCT FROM :guestId::integer
         AND joined_at > :since)`,
    {
      appointmentId: entry.appointmentId,
      role: entry.role,
      userId: entry.userId ?? null,
      guestId: entry.guestId ?? null,
      at: entry.at,
      since: new Date(entry.at.getTime() - SAME_ENTRY_MS),
    },
  );
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

import type { Knex } from 'knex';
import { createActiveUser } from './accounts.ts';
import { afmFrom } from './staff.ts';

/** Fresh AFMs with valid check digits, counting up from `start` (8 digits): one maker per file. */
export function afmMaker(start: number): () => string {
  let count = start;
  return () => {
    count += 1;
    return afmFrom(String(count));
  };
}

/**
 * Clerks of the area, Monday to Friday 09:00–11:00 and 11:30–15:00 (a break between): their ids,
 * ascending. `prefix` names them apart from other files' clerks.
 */
export function clerkMaker(
  prefix: string,
): (db: Knex, areaId: number, count: number) => Promise<number[]> {
  let made = 0;
  return async (db, areaId, count) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i += 1) {
      made += 1;
      const { id } = await createActiveUser(db, `${prefix}-${made}`, { roles: ['clerk'] });
      await db('kep_clerk_areas').insert({ clerk_id: id, area_id: areaId });
      await db('kep_clerk_hours').insert(
        [1, 2, 3, 4, 5].flatMap((weekday) => [
          { clerk_id: id, weekday, starts: '09:00', ends: '11:00' },
          { clerk_id: id, weekday, starts: '11:30', ends: '15:00' },
        ]),
      );
      ids.push(id);
    }
    return ids;
  };
}

/** Waits until a query of this database waits on a lock (one transaction blocked by another). */
export async function untilWaitingOnALock(db: Knex): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const { rows } = (await db.raw(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )) as { rows: { n: number }[] };
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no query waited on a lock');
}

/** An appointment as the call's tests place it: straight in the table, bypassing the booking. */
export interface PlacedAppointment {
  areaId: number;
  clerkId: number;
  afm: string;
  start: Date;
  /** 20 unless said. */
  minutes?: number;
  /** The buffer stored after it: 10 unless said. */
  bufferMinutes?: number;
  citizenId?: number | null;
  status?: string;
  lang?: string;
  email?: string;
  fullName?: string;
  postalAddress?: string | null;
}

let placed = 0;

/**
 * Places a ΚΕΠ appointment (a unique reference and an unguessable-looking room), cancelled ones
 * by the citizen; returns what the tests look at.
 */
export async function placeAppointment(
  db: Knex,
  a: PlacedAppointment,
): Promise<{
  id: number;
  room: string;
  reference: string;
  email: string;
  startsAt: Date;
  endsAt: Date;
}> {
  placed += 1;
  const status = a.status ?? 'booked';
  const end = new Date(a.start.getTime() + (a.minutes ?? 20) * 60_000);
  const reference = `ΚΕΠ-2026-${500_000 + placed}`;
  const result = (await db.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name, email,
       starts_at, ends_at, buffered, status, room, cancelled_at, cancelled_by, lang, postal_address)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, tstzrange(?, ?), ?, ?,
       CASE WHEN ? = 'cancelled' THEN now() END, CASE WHEN ? = 'cancelled' THEN 'citizen' END, ?, ?)
     RETURNING id, room, reference, email`,
    [
      reference,
      a.areaId,
      a.clerkId,
      a.citizenId ?? null,
      a.afm,
      a.fullName ?? 'Ειρήνη Σταυρακάκη',
      a.email ?? `kep.placed.${placed}@example.gr`,
      a.start,
      end,
      a.start,
      new Date(end.getTime() + (a.bufferMinutes ?? 10) * 60_000),
      status,
      `kep-placed-room-${placed}-${Math.random().toString(36).slice(2, 12)}`,
      status,
      status,
      a.lang ?? 'el',
      a.postalAddress ?? null,
    ],
  )) as { rows: { id: number; room: string; reference: string; email: string }[] };
  return { ...result.rows[0]!, startsAt: a.start, endsAt: end };
}

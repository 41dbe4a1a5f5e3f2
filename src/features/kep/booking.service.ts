import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { isExclusionViolation } from '../../db/constraints.ts';
import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import { addDays } from '../../lib/dates.ts';
import { athensDate } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import type { LocalFeast } from '../../lib/working-days.ts';
import { athensInstant } from '../../lib/athens-time.ts';
import {
  clerksFreeAt,
  freeStartsAfter,
  lastBookableDay,
  startRefusal,
  type ClerkTime,
  type DateRange,
  type SlotRules,
  type StartRefusal,
} from './slots.ts';

/** Booked appointments still to come (or under way) that one AFM may hold. */
export const MAX_ACTIVE_PER_AFM = 3;
/** How many other times "this time was just taken" offers. */
const NEXT_OFFERED = 3;
const NO_OVERLAP = 'kep_appointments_no_overlap';
/** The first key of the AFM's advisory lock: this module's own key space. */
const AFM_LOCK_CLASS = 1701;

export interface BookingPerson {
  /** The signed-in citizen's account; none when a clerk books for someone who phoned. */
  citizenId?: number | null;
  afm: string;
  fullName: string;
  email: string;
  /** E.164. */
  phone?: string | null;
}

/** The booking policy from the settings table. */
export interface BookingSettings {
  bufferMinutes: number;
  noticeMinutes: number;
  horizonDays: number;
}

export type Delivery = 'email' | 'post' | 'pickup';

/** What the citizen told us beyond who they are (the details step). */
export interface BookingDetails {
  postalAddress?: string | null;
  delivery: Delivery;
  needs: { signLanguage: boolean; lipReading: boolean; other?: string | null };
  /** Their mails are written in it. */
  lang: Lang;
  /** The clerk who booked it for someone who phoned or came to the counter. */
  bookedBy?: number | null;
}

export interface BookingInput {
  areaId: number;
  startsAt: Date;
  person: BookingPerson;
  details: BookingDetails;
  settings: BookingSettings;
  localFeast?: LocalFeast;
  /** Try this clerk first when free (rescheduling keeps the citizen with their clerk). */
  preferClerkId?: number | null;
  /**
   * Rescheduling: the booked appointment this one replaces. It stops holding its time while
   * the new one is booked (so a nearby time of the same clerk is free), is marked
   * 'rescheduled' pointing to the new one, and is left booked when the new time cannot be had.
   */
  replaces?: number;
  /**
   * Runs in the booking's transaction once the appointment is booked (its documents, its mail):
   * a throw undoes the booking.
   */
  onBooked?: (trx: Knex.Transaction, booked: BookedAppointment) => Promise<void>;
}

export interface BookedAppointment {
  id: number;
  reference: string;
  clerkId: number;
}

export type BookingRefusal = StartRefusal | 'notOffered' | 'tooMany' | 'notReplaceable';

export type BookingOutcome =
  | { booked: BookedAppointment }
  /** Every clerk who could take it was taken: other times to offer (possibly none). */
  | { taken: { next: Date[] } }
  | { refused: BookingRefusal };

/**
 * Books an appointment, re-checking everything the pages checked (a form can be old, a URL
 * edited), and assigns the clerk: of those free for the buffered interval, the one with the
 * fewest appointments that day. The exclusion constraint, not this code, guarantees no clerk has
 * two overlapping appointments; a race lost on it tries the next clerk, then answers `taken`.
 */
export async function bookSlot(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: BookingInput,
): Promise<BookingOutcome> {
  const now = deps.clock.now();
  // What a form could not parse offers nothing (and must not reach the query as NaN).
  if (!Number.isInteger(input.areaId) || Number.isNaN(input.startsAt.getTime()))
    return { refused: 'notOffered' };
  return deps.db.transaction(async (trx): Promise<BookingOutcome> => {
    const outcome = await bookOrReplace(trx, input, now);
    if ('booked' in outcome && input.onBooked) await input.onBooked(trx, outcome.booked);
    return outcome;
  });
}

async function bookOrReplace(
  trx: Knex.Transaction,
  input: BookingInput,
  now: Date,
): Promise<BookingOutcome> {
  if (input.replaces === undefined) return bookIn(trx, input, now);
  // The old appointment lets go of its time for the attempt, and takes it back when no new
  // time could be had (nobody else could take it meanwhile: the row is locked until commit).
  const released = await trx('kep_appointments')
    .where({ id: input.replaces, status: 'booked' })
    .where('starts_at', '>', now)
    .update({ status: 'rescheduled', updated_at: now });
  if (!released) return { refused: 'notReplaceable' };
  const outcome = await bookIn(trx, input, now);
  if ('booked' in outcome)
    await trx('kep_appointments')
      .where({ id: input.replaces })
      .update({ rescheduled_to: outcome.booked.id });
  else await trx('kep_appointments').where({ id: input.replaces }).update({ status: 'booked' });
  return outcome;
}

async function bookIn(
  trx: Knex.Transaction,
  input: BookingInput,
  now: Date,
): Promise<BookingOutcome> {
  const day = athensDate(input.startsAt);
  const buffer = input.settings.bufferMinutes;
  const time = await loadAreaTime(trx, input.areaId, { from: day, to: day }, buffer);
  if (!time) return { refused: 'notOffered' };
  const rules: SlotRules = { minutes: time.minutes, ...input.settings, now };
  if (input.localFeast) rules.localFeast = input.localFeast;
  const refusal = startRefusal(input.startsAt, rules, time.closures);
  if (refusal) return { refused: refusal };
  const { offered, clerkIds } = clerksFreeAt(input.startsAt, rules, time.clerks);
  if (!offered) return { refused: 'notOffered' };
  // With no clerk free the answer is "taken" whoever asks: the many who lose a race for one
  // slot are answered without queueing on the AFM lock.
  if (!clerkIds.length) return { taken: { next: await nextFreeStarts(trx, input, rules, time) } };
  if (await holdsTooMany(trx, input.person.afm, now)) return { refused: 'tooMany' };
  const ordered = await fewestFirst(trx, clerkIds, day);
  const preferred = input.preferClerkId;
  if (preferred && ordered.includes(preferred))
    ordered.splice(0, ordered.length, preferred, ...ordered.filter((id) => id !== preferred));
  for (const clerkId of ordered) {
    const booked = await tryToBook(trx, { ...input, clerkId, minutes: time.minutes, now });
    if (booked) return { booked };
  }
  // Every attempt lost a race: what was read is old, so the next times are read again.
  return { taken: { next: await nextFreeStarts(trx, input, rules) } };
}

/** An active area's appointment length, its clerks' hours, absences and bookings, and closures. */
export interface AreaTime {
  minutes: number;
  clerks: ClerkTime[];
  closures: DateRange[];
}

/**
 * What the slots of an area's days depend on, in one query (a booking's transaction and the
 * pages read it often); undefined when the area is unknown or not offered. Its clerks are the
 * active accounts still holding the clerk role (one who left takes no new appointments); booked
 * intervals are read `bufferMinutes` beyond the days, as far as a slot's buffer reaches.
 */
export async function loadAreaTime(
  conn: Conn,
  areaId: number,
  days: DateRange,
  bufferMinutes: number,
): Promise<AreaTime | undefined> {
  const margin = bufferMinutes * 60_000;
  const from = new Date(athensInstant(days.from, '00:00').getTime() - margin);
  const to = new Date(athensInstant(addDays(days.to, 1), '00:00').getTime() + margin);
  const [row] = await rowsOf<{ minutes: number; clerks: StoredClerkTime[]; closures: DateRange[] }>(
    conn,
    `SELECT a.minutes,
       COALESCE((SELECT json_agg(json_build_object(
         'clerkId', u.id,
         'hours', COALESCE((SELECT json_agg(json_build_object('weekday', h.weekday,
             'starts', to_char(h.starts, 'HH24:MI'), 'ends', to_char(h.ends, 'HH24:MI')))
           FROM kep_clerk_hours h WHERE h.clerk_id = u.id), '[]'),
         'absences', COALESCE((SELECT json_agg(json_build_object('from', lower(ab.during),
             'to', upper(ab.during) - 1))
           FROM kep_absences ab WHERE ab.clerk_id = u.id AND ab.during && daterange(?::date, ?::date, '[]')), '[]'),
         'booked', COALESCE((SELECT json_agg(json_build_object(
             'start', (extract(epoch FROM lower(ap.buffered)) * 1000)::bigint,
             'end', (extract(epoch FROM upper(ap.buffered)) * 1000)::bigint))
           FROM kep_appointments ap WHERE ap.clerk_id = u.id AND ap.status = 'booked'
             AND ap.buffered && tstzrange(?, ?)), '[]')
       ) ORDER BY u.id)
       FROM kep_clerk_areas ca JOIN users u ON u.id = ca.clerk_id
       WHERE ca.area_id = a.id AND u.status = 'active' AND 'clerk' = ANY (u.roles)), '[]') AS clerks,
       COALESCE((SELECT json_agg(json_build_object('from', lower(k.during), 'to', upper(k.during) - 1))
         FROM kep_closures k WHERE k.during && daterange(?::date, ?::date, '[]')), '[]') AS closures
     FROM kep_areas a WHERE a.id = ? AND a.active`,
    [days.from, days.to, from, to, days.from, days.to, areaId],
  );
  if (!row) return undefined;
  const clerks = row.clerks.map((clerk) => ({
    ...clerk,
    booked: clerk.booked.map((b) => ({ start: new Date(b.start), end: new Date(b.end) })),
  }));
  return { minutes: row.minutes, clerks, closures: row.closures };
}

/** A clerk's time as the query sends it: booked intervals in epoch milliseconds. */
type StoredClerkTime = Omit<ClerkTime, 'booked'> & { booked: { start: number; end: number }[] };

async function rowsOf<T>(conn: Conn, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  return ((await conn.raw(sql, bindings as Knex.RawBinding[])) as { rows: T[] }).rows;
}

/**
 * Whether the AFM already holds the most active appointments allowed. One person's bookings are
 * made one at a time (a lock on the AFM until commit): two at once would each count two.
 */
async function holdsTooMany(conn: Conn, afm: string, now: Date): Promise<boolean> {
  await conn.raw('SELECT pg_advisory_xact_lock(?::int, hashtext(?))', [AFM_LOCK_CLASS, afm]);
  const [row] = await rowsOf<{ n: number }>(
    conn,
    `SELECT count(*) AS n FROM kep_appointments WHERE afm = ? AND status = 'booked' AND ends_at > ?`,
    [afm, now],
  );
  return (row?.n ?? 0) >= MAX_ACTIVE_PER_AFM;
}

/** The clerks by how many appointments they have that day, fewest first; ties: lowest id. */
async function fewestFirst(conn: Conn, clerkIds: number[], day: string): Promise<number[]> {
  if (clerkIds.length < 2) return clerkIds;
  const rows = await rowsOf<{ id: number }>(
    conn,
    `SELECT c.id FROM unnest(?::int[]) AS c (id)
     LEFT JOIN kep_appointments a ON a.clerk_id = c.id AND a.status = 'booked'
       AND a.starts_at >= ? AND a.starts_at < ?
     GROUP BY c.id ORDER BY count(a.id), c.id`,
    [clerkIds, athensInstant(day, '00:00'), athensInstant(addDays(day, 1), '00:00')],
  );
  return rows.map((r) => r.id);
}

interface NewAppointment extends BookingInput {
  clerkId: number;
  minutes: number;
  now: Date;
}

/**
 * One attempt, in a savepoint: when another transaction has just taken this clerk (the
 * exclusion constraint refuses the row), only the attempt is undone and the booking goes on.
 */
async function tryToBook(trx: Knex.Transaction, appointment: NewAppointment) {
  try {
    return await trx.transaction((savepoint) => insertAppointment(savepoint, appointment));
  } catch (error) {
    if (isExclusionViolation(error, NO_OVERLAP)) return undefined;
    throw error;
  }
}

async function insertAppointment(conn: Conn, a: NewAppointment) {
  const start = a.startsAt.getTime();
  const end = start + a.minutes * 60_000;
  const buffer = a.settings.bufferMinutes * 60_000;
  const [row] = await rowsOf<{ id: number; reference: string; clerk_id: number }>(
    conn,
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name, email,
       phone_e164, starts_at, ends_at, buffered, created_at, updated_at, postal_address, delivery,
       needs_sign_language, needs_lip_reading, needs_other, lang, room, booked_by)
     VALUES ('ΚΕΠ-' || ?::text || '-' || lpad(nextval('kep_appointment_numbers')::text, 6, '0'),
       ?, ?, ?, ?, ?, ?, ?, ?, ?, tstzrange(?, ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     RETURNING id, reference, clerk_id`,
    [
      athensDate(a.now).slice(0, 4),
      a.areaId,
      a.clerkId,
      a.person.citizenId ?? null,
      a.person.afm,
      a.person.fullName,
      a.person.email,
      a.person.phone ?? null,
      new Date(start),
      new Date(end),
      new Date(start),
      new Date(end + buffer),
      a.now,
      a.now,
      a.details.postalAddress || null,
      a.details.delivery,
      a.details.needs.signLanguage,
      a.details.needs.lipReading,
      a.details.needs.other || null,
      a.details.lang,
      newRoom(),
      a.details.bookedBy ?? null,
    ],
  );
  return { id: row!.id, reference: row!.reference, clerkId: row!.clerk_id };
}

/**
 * The next free start times after a taken one: from the day as read (when it is still current),
 * then a week of days at a time, as far as the horizon.
 */
async function nextFreeStarts(
  conn: Conn,
  input: BookingInput,
  rules: SlotRules,
  current?: AreaTime,
): Promise<Date[]> {
  const last = lastBookableDay(rules);
  const found: Date[] = [];
  const add = (days: DateRange, time: AreaTime) =>
    found.push(
      ...freeStartsAfter(
        input.startsAt,
        NEXT_OFFERED - found.length,
        days,
        rules,
        time.clerks,
        time.closures,
      ),
    );
  let from = athensDate(input.startsAt);
  if (current) {
    add({ from, to: from }, current);
    from = addDays(from, 1);
  }
  while (from <= last && found.length < NEXT_OFFERED) {
    const week = addDays(from, 6);
    const days = { from, to: week < last ? week : last };
    const time = await loadAreaTime(conn, input.areaId, days, rules.bufferMinutes);
    if (!time) break;
    add(days, time);
    from = addDays(days.to, 1);
  }
  return found;
}

/** A video call room's name: 144 random bits, unguessable. */
function newRoom(): string {
  return `kep-${randomBytes(18).toString('base64url')}`;
}

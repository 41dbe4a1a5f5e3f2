import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import { addDays } from '../../lib/dates.ts';
import { athensDate } from '../../lib/format.ts';
import { hashToken } from '../../lib/tokens.ts';
import { localFeast } from '../site/local-feast.ts';
import { bookSlot, loadAreaTime, type BookingOutcome } from './booking.service.ts';
import { sendAppointmentMail } from './kep.mail.ts';
import { readKepSettings } from './kep.settings.ts';
import { freeDays, freeSlots, type FreeSlot, type SlotRules } from './slots.ts';

/**
 * What a citizen does with an appointment once booked: read it, cancel it with a reason, move it
 * to another time (the same clerk first). The owner reaches it signed in with TaxisNet under its
 * AFM, anyone else only with a manage link from its mails (the link is the key).
 */

export type AppointmentStatus = 'booked' | 'cancelled' | 'rescheduled' | 'no_show' | 'done';

export interface AppointmentRow {
  id: number;
  reference: string;
  area_id: number;
  area_el: string;
  area_en: string;
  clerk_id: number;
  citizen_id: number | null;
  afm: string;
  full_name: string;
  email: string;
  phone_e164: string | null;
  postal_address: string | null;
  delivery: 'email' | 'post' | 'pickup';
  needs_sign_language: boolean;
  needs_lip_reading: boolean;
  needs_other: string | null;
  lang: 'el' | 'en';
  booked_by: number | null;
  status: AppointmentStatus;
  /** The video call's room (kep/call): its token names it. */
  room: string;
  starts_at: Date;
  ends_at: Date;
  /** The stored buffered interval, to treat the appointment's own time as free when moving it. */
  buffered_from: Date;
  buffered_to: Date;
  cancelled_by: 'citizen' | 'kep' | null;
  cancel_reason: string | null;
  rescheduled_to: number | null;
  /** When it was moved: the time it was moved to. */
  moved_to_starts_at: Date | null;
}

/** The longest cancel reason the table keeps. */
export const MAX_REASON = 1000;

function appointments(conn: Conn) {
  return conn('kep_appointments as a')
    .join('kep_areas as ar', 'ar.id', 'a.area_id')
    .leftJoin('kep_appointments as m', 'm.id', 'a.rescheduled_to')
    .select(
      'a.id',
      'a.reference',
      'a.area_id',
      'ar.name_el as area_el',
      'ar.name_en as area_en',
      'a.clerk_id',
      'a.citizen_id',
      'a.afm',
      'a.full_name',
      'a.email',
      'a.phone_e164',
      'a.postal_address',
      'a.delivery',
      'a.needs_sign_language',
      'a.needs_lip_reading',
      'a.needs_other',
      'a.lang',
      'a.booked_by',
      'a.status',
      'a.room',
      'a.starts_at',
      'a.ends_at',
      conn.raw('lower(a.buffered) AS buffered_from'),
      conn.raw('upper(a.buffered) AS buffered_to'),
      'a.cancelled_by',
      'a.cancel_reason',
      'a.rescheduled_to',
      'm.starts_at as moved_to_starts_at',
    );
}

/** An AFM's appointments: those still to come first (soonest first), then the rest (latest first). */
export async function appointmentsOf(
  conn: Conn,
  afm: string,
  now: Date,
): Promise<AppointmentRow[]> {
  const rows = (await appointments(conn).where('a.afm', afm)) as AppointmentRow[];
  const coming = rows.filter((row) => isComing(row, now));
  const rest = rows.filter((row) => !isComing(row, now));
  coming.sort((x, y) => x.starts_at.getTime() - y.starts_at.getTime());
  rest.sort((x, y) => y.starts_at.getTime() - x.starts_at.getTime());
  return [...coming, ...rest];
}

/** Booked and not over yet (under way counts: the call is still to be had). */
export function isComing(row: Pick<AppointmentRow, 'status' | 'ends_at'>, now: Date): boolean {
  return row.status === 'booked' && row.ends_at.getTime() > now.getTime();
}

/** Whether the citizen may still cancel or move it: booked and not started. */
export function isChangeable(row: Pick<AppointmentRow, 'status' | 'starts_at'>, now: Date) {
  return row.status === 'booked' && row.starts_at.getTime() > now.getTime();
}

/** The appointment with this id if this AFM booked it. */
export async function ownedAppointment(
  conn: Conn,
  id: number,
  afm: string,
): Promise<AppointmentRow | undefined> {
  return (await appointments(conn).where({ 'a.id': id, 'a.afm': afm }).first()) as
    AppointmentRow | undefined;
}

/** The appointment a manage link opens, if any (links are stored hashed, as kep.mail.ts makes them). */
export async function appointmentByToken(
  conn: Conn,
  token: string,
): Promise<AppointmentRow | undefined> {
  // Anything that is not a token we make is no token: no hashing of megabytes of URL.
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return undefined;
  return (await appointments(conn)
    .whereIn(
      'a.id',
      conn('kep_manage_tokens')
        .select('appointment_id')
        .where({ token_hash: hashToken(token) }),
    )
    .first()) as AppointmentRow | undefined;
}

/** How many appointments an AFM has still to come. */
export async function comingCount(conn: Conn, afm: string, now: Date): Promise<number> {
  const row = (await conn('kep_appointments')
    .where({ afm, status: 'booked' })
    .where('ends_at', '>', now)
    .count({ n: '*' })
    .first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

export type CancelOutcome = 'cancelled' | 'started' | 'notBooked';

/**
 * Cancels a booked appointment that has not started, with the citizen's reason, and sends the
 * cancellation mail in the same transaction (no mail without the cancellation, nor the reverse).
 */
export async function cancelByCitizen(
  deps: Deps,
  id: number,
  reason: string,
): Promise<CancelOutcome> {
  const now = deps.clock.now();
  return deps.db.transaction(async (trx): Promise<CancelOutcome> => {
    if (!(await cancelAsCitizen(deps, trx, id, reason, { now, until: 'start' })))
      return refusalOf(trx, id, now);
    return 'cancelled';
  });
}

/**
 * The citizen's cancellation in the caller's transaction: the appointment marked cancelled by
 * the citizen, with their reason, and the cancellation mail queued. `until`: while it has not
 * started (the citizen's own pages), or while it has not ended (their account's deletion, which
 * leaves no appointment to come). False when it was no longer booked then.
 */
export async function cancelAsCitizen(
  deps: Pick<Deps, 'config' | 'clock' | 'documents' | 'mailer'>,
  trx: Knex.Transaction,
  id: number,
  reason: string,
  when: { now: Date; until: 'start' | 'end' },
): Promise<boolean> {
  const { now } = when;
  const cancelled = await trx('kep_appointments')
    .where({ id, status: 'booked' })
    .where(when.until === 'start' ? 'starts_at' : 'ends_at', '>', now)
    .update({
      status: 'cancelled',
      cancelled_at: now,
      cancelled_by: 'citizen',
      cancel_reason: reason,
      updated_at: now,
    });
  if (!cancelled) return false;
  await sendAppointmentMail(deps, trx, id, 'cancelled', { reason });
  return true;
}

async function refusalOf(trx: Knex.Transaction, id: number, now: Date): Promise<CancelOutcome> {
  const row = (await trx('kep_appointments').where({ id }).first('status', 'starts_at')) as
    { status: string; starts_at: Date } | undefined;
  return row?.status === 'booked' && row.starts_at <= now ? 'started' : 'notBooked';
}

/** The days the appointment could move to, and the free times of one of them. */
export interface RescheduleChoices {
  days: string[];
  day?: string;
  slots: FreeSlot[];
}

async function rulesFor(deps: Deps, minutes: number): Promise<SlotRules> {
  const [settings, feast] = await Promise.all([readKepSettings(deps), localFeast(deps)]);
  const rules: SlotRules = {
    minutes,
    bufferMinutes: settings.bufferMinutes,
    noticeMinutes: settings.noticeMinutes,
    horizonDays: settings.horizonDays,
    now: deps.clock.now(),
  };
  if (feast) rules.localFeast = feast;
  return rules;
}

/**
 * The free days of the appointment's area over the horizon and, for a chosen one of them, its
 * free times. The appointment's own time counts as free: moving lets go of it.
 */
export async function rescheduleChoices(
  deps: Deps,
  row: AppointmentRow,
  chosenDay?: string,
): Promise<RescheduleChoices> {
  const settings = await readKepSettings(deps);
  const today = athensDate(deps.clock.now());
  const last = addDays(today, settings.horizonDays);
  const time = await loadAreaTime(
    deps.db,
    row.area_id,
    { from: today, to: last },
    settings.bufferMinutes,
  );
  if (!time) return { days: [], slots: [] };
  const rules = await rulesFor(deps, time.minutes);
  const own = (b: { start: Date; end: Date }, clerkId: number) =>
    clerkId === row.clerk_id &&
    b.start.getTime() === row.buffered_from.getTime() &&
    b.end.getTime() === row.buffered_to.getTime();
  const clerks = time.clerks.map((clerk) => ({
    ...clerk,
    booked: clerk.booked.filter((b) => !own(b, clerk.clerkId)),
  }));
  // Its own time is free for the others around it, but is not a time to move to.
  const ownStart = row.starts_at.getTime();
  const slotsOf = (d: string) =>
    freeSlots(d, rules, clerks, time.closures).filter((s) => s.start.getTime() !== ownStart);
  const ownDay = athensDate(row.starts_at);
  const days = freeDays(today, last, rules, clerks, time.closures).filter(
    (d) => d !== ownDay || slotsOf(d).length > 0,
  );
  const day = chosenDay && days.includes(chosenDay) ? chosenDay : undefined;
  const slots = day ? slotsOf(day) : [];
  return day ? { days, day, slots } : { days, slots };
}

export type RescheduleOutcome = BookingOutcome | { refused: 'started' };

/**
 * Moves the appointment: a new booking of the same person with the same details, the same clerk
 * first, replacing the old one in one transaction with the 'rescheduled' mail; the documents the
 * citizen uploaded go with it.
 */
export async function rescheduleByCitizen(
  deps: Deps,
  row: AppointmentRow,
  startsAt: Date,
): Promise<RescheduleOutcome> {
  const now = deps.clock.now();
  if (row.status === 'booked' && row.starts_at.getTime() <= now.getTime())
    return { refused: 'started' };
  const [settings, feast] = await Promise.all([readKepSettings(deps), localFeast(deps)]);
  return bookSlot(deps, {
    areaId: row.area_id,
    startsAt,
    person: {
      citizenId: row.citizen_id,
      afm: row.afm,
      fullName: row.full_name,
      email: row.email,
      phone: row.phone_e164,
    },
    details: {
      postalAddress: row.postal_address,
      delivery: row.delivery,
      needs: {
        signLanguage: row.needs_sign_language,
        lipReading: row.needs_lip_reading,
        other: row.needs_other,
      },
      lang: row.lang,
      bookedBy: row.booked_by,
    },
    settings: {
      bufferMinutes: settings.bufferMinutes,
      noticeMinutes: settings.noticeMinutes,
      horizonDays: settings.horizonDays,
    },
    ...(feast ? { localFeast: feast } : {}),
    preferClerkId: row.clerk_id,
    replaces: row.id,
    onBooked: async (trx, booked) => {
      await trx('kep_documents')
        .where({ appointment_id: row.id })
        .update({ appointment_id: booked.id });
      await sendAppointmentMail(deps, trx, booked.id, 'rescheduled');
    },
  });
}

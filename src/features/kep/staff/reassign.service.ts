import type { Knex } from 'knex';
import { isExclusionViolation } from '../../../db/constraints.ts';
import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { athensInstant } from '../../../lib/athens-time.ts';
import { addDays } from '../../../lib/dates.ts';
import { athensDate } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { localFeast } from '../../site/local-feast.ts';
import { loadAreaTime, type AreaTime } from '../booking.service.ts';
import { sendAppointmentMail } from '../kep.mail.ts';
import { readKepSettings, type KepSettings } from '../kep.settings.ts';
import {
  freeStartsAfter,
  isoWeekday,
  lastBookableDay,
  type ClerkTime,
  type DateRange,
  type Interval,
  type SlotRules,
} from '../slots.ts';

/**
 * Leave or a closure over booked appointments: each appointment it takes away goes to another
 * clerk of its area who is free then (hours covering it, not away, no booking within the buffer),
 * or is cancelled with a mail offering the next free times. The exclusion constraint decides a
 * race with a booking made meanwhile: that clerk is skipped for the next.
 */

/** What a new absence or closure takes away: a clerk's days, or everyone's. */
export type Takes =
  | { kind: 'absence'; clerkId: number; days: DateRange; reason: string | null }
  | { kind: 'closure'; days: DateRange; reason: string | null };

export interface AffectedAppointment {
  id: number;
  reference: string;
  areaId: number;
  areaName: { el: string; en: string };
  clerkId: number;
  clerkName: string;
  fullName: string;
  startsAt: Date;
  endsAt: Date;
  buffered: Interval;
  lang: Lang;
}

/** What will happen to one appointment: another clerk, or (none) a cancellation. */
export interface PlannedChange {
  appointment: AffectedAppointment;
  moveTo?: { id: number; name: string };
}

export type ReassignDeps = Pick<
  Deps,
  'db' | 'clock' | 'modules' | 'config' | 'contentCache' | 'documents' | 'mailer' | 'i18n'
>;

const NO_OVERLAP = 'kep_appointments_no_overlap';
/** How many other times a cancellation offers. */
const NEXT_OFFERED = 3;

interface AffectedRow {
  id: number;
  reference: string;
  area_id: number;
  name_el: string;
  name_en: string;
  clerk_id: number;
  clerk_name: string;
  full_name: string;
  starts_at: Date;
  ends_at: Date;
  buffered_start: Date;
  buffered_end: Date;
  lang: Lang;
}

/** The booked appointments still to come on the days taken away (locked in a transaction). */
export async function affectedBy(
  conn: Conn,
  takes: Takes,
  now: Date,
  lock = false,
): Promise<AffectedAppointment[]> {
  const clerkFilter = takes.kind === 'absence' ? 'AND a.clerk_id = ?' : '';
  const bindings: Knex.RawBinding[] = [now, takes.days.from, takes.days.to];
  if (takes.kind === 'absence') bindings.push(takes.clerkId);
  const { rows } = (await conn.raw(
    `SELECT a.id, a.reference, a.area_id, r.name_el, r.name_en, a.clerk_id,
       u.full_name AS clerk_name, a.full_name, a.starts_at, a.ends_at,
       lower(a.buffered) AS buffered_start, upper(a.buffered) AS buffered_end, a.lang
     FROM kep_appointments a
     JOIN kep_areas r ON r.id = a.area_id
     JOIN users u ON u.id = a.clerk_id
     WHERE a.status = 'booked' AND a.starts_at > ?
       AND (a.starts_at AT TIME ZONE 'Europe/Athens')::date BETWEEN ?::date AND ?::date
       ${clerkFilter}
     ORDER BY a.starts_at, a.id
     ${lock ? 'FOR UPDATE OF a' : ''}`,
    bindings,
  )) as { rows: AffectedRow[] };
  return rows.map((row) => ({
    id: row.id,
    reference: row.reference,
    areaId: row.area_id,
    areaName: { el: row.name_el, en: row.name_en },
    clerkId: row.clerk_id,
    clerkName: row.clerk_name,
    fullName: row.full_name,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    buffered: { start: row.buffered_start, end: row.buffered_end },
    lang: row.lang,
  }));
}

/**
 * The clerks' time of each area and day read so far, with the moves decided kept in it: two
 * appointments moved at once do not both go to one clerk's same hour.
 */
class TimeBook {
  private readonly byAreaDay = new Map<string, AreaTime | null>();
  private readonly reserved: { clerkId: number; interval: Interval }[] = [];
  constructor(
    private readonly conn: Conn,
    private readonly bufferMinutes: number,
  ) {}

  async of(areaId: number, day: string): Promise<AreaTime | undefined> {
    const key = `${areaId}:${day}`;
    if (!this.byAreaDay.has(key)) {
      const time = await loadAreaTime(
        this.conn,
        areaId,
        { from: day, to: day },
        this.bufferMinutes,
      );
      for (const { clerkId, interval } of this.reserved) holdIn(time, clerkId, interval);
      this.byAreaDay.set(key, time ?? null);
    }
    return this.byAreaDay.get(key) ?? undefined;
  }

  /** The appointment now holds this clerk's time (in every area the clerk serves). */
  reserve(clerkId: number, interval: Interval): void {
    this.reserved.push({ clerkId, interval });
    for (const time of this.byAreaDay.values()) holdIn(time ?? undefined, clerkId, interval);
  }
}

function holdIn(time: AreaTime | undefined, clerkId: number, interval: Interval): void {
  for (const clerk of time?.clerks ?? [])
    if (clerk.clerkId === clerkId) clerk.booked = [...clerk.booked, interval];
}

const overlaps = (a: Interval, b: Interval) =>
  a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();

/** Whether one of the clerk's rows of that weekday holds the whole appointment. */
function hoursCover(clerk: ClerkTime, day: string, appointment: AffectedAppointment): boolean {
  const weekday = isoWeekday(day);
  return clerk.hours.some(
    (row) =>
      row.weekday === weekday &&
      athensInstant(day, row.starts).getTime() <= appointment.startsAt.getTime() &&
      appointment.endsAt.getTime() <= athensInstant(day, row.ends).getTime(),
  );
}

const awayOn = (clerk: ClerkTime, day: string) =>
  clerk.absences.some((range) => range.from <= day && day <= range.to);

/**
 * The clerks who could take an appointment, the one with the fewest appointments that day first
 * (then the lowest id), as the booking assigns them. None when the whole ΚΕΠ is closed.
 */
async function candidatesFor(
  book: TimeBook,
  takes: Takes,
  appointment: AffectedAppointment,
): Promise<ClerkTime[]> {
  if (takes.kind === 'closure') return [];
  const day = athensDate(appointment.startsAt);
  const time = await book.of(appointment.areaId, day);
  if (!time) return [];
  const dayStart = athensInstant(day, '00:00').getTime();
  const dayEnd = athensInstant(addDays(day, 1), '00:00').getTime();
  const countThatDay = (clerk: ClerkTime) =>
    clerk.booked.filter((b) => b.start.getTime() >= dayStart && b.start.getTime() < dayEnd).length;
  return time.clerks
    .filter(
      (clerk) =>
        clerk.clerkId !== appointment.clerkId &&
        !(takes.kind === 'absence' && clerk.clerkId === takes.clerkId) &&
        !awayOn(clerk, day) &&
        hoursCover(clerk, day, appointment) &&
        !clerk.booked.some((b) => overlaps(b, appointment.buffered)),
    )
    .sort((a, b) => countThatDay(a) - countThatDay(b) || a.clerkId - b.clerkId);
}

/** What adding the absence or closure would do to each appointment, as things stand now. */
export async function planChanges(deps: ReassignDeps, takes: Takes): Promise<PlannedChange[]> {
  const settings = await readKepSettings(deps);
  const affected = await affectedBy(deps.db, takes, deps.clock.now());
  if (!affected.length) return [];
  const book = new TimeBook(deps.db, settings.bufferMinutes);
  const names = await clerkNames(deps.db);
  const plan: PlannedChange[] = [];
  for (const appointment of affected) {
    const [clerk] = await candidatesFor(book, takes, appointment);
    if (clerk) book.reserve(clerk.clerkId, appointment.buffered);
    plan.push(
      clerk
        ? {
            appointment,
            moveTo: { id: clerk.clerkId, name: names.get(clerk.clerkId) ?? '' },
          }
        : { appointment },
    );
  }
  return plan;
}

async function clerkNames(conn: Conn): Promise<Map<number, string>> {
  const rows = (await conn('users')
    .whereRaw("'clerk' = ANY (roles)")
    .select('id', 'full_name')) as { id: number; full_name: string }[];
  return new Map(rows.map((row) => [row.id, row.full_name]));
}

export interface AppliedChanges {
  reassigned: number;
  cancelled: number;
}

/**
 * In the transaction that adds the absence or closure (already inserted): each affected
 * appointment, read again and locked, moved to a free clerk or cancelled, mailed and audited.
 */
export async function applyChanges(
  deps: ReassignDeps,
  trx: Knex.Transaction,
  takes: Takes,
  actorId: number,
  context: AuditContext,
): Promise<AppliedChanges> {
  const now = deps.clock.now();
  const settings = await readKepSettings(deps);
  const affected = await affectedBy(trx, takes, now, true);
  const book = new TimeBook(trx, settings.bufferMinutes);
  const done: AppliedChanges = { reassigned: 0, cancelled: 0 };
  for (const appointment of affected) {
    const movedTo = await moveToFreeClerk(trx, book, takes, appointment, now);
    if (movedTo !== undefined) {
      await sendAppointmentMail(deps, trx, appointment.id, 'reassigned');
      await recordAudit(
        trx,
        {
          action: 'kep.appointment_reassigned',
          actorId,
          entity: { type: 'kep_appointment', id: appointment.id },
          details: {
            reference: appointment.reference,
            fromClerkId: appointment.clerkId,
            toClerkId: movedTo,
            cause: takes.kind,
          },
        },
        context,
      );
      done.reassigned += 1;
    } else {
      await cancelByKep(deps, trx, takes, appointment, settings, { now, actorId, context });
      done.cancelled += 1;
    }
  }
  return done;
}

async function moveToFreeClerk(
  trx: Knex.Transaction,
  book: TimeBook,
  takes: Takes,
  appointment: AffectedAppointment,
  now: Date,
): Promise<number | undefined> {
  for (const clerk of await candidatesFor(book, takes, appointment)) {
    if (await tryMove(trx, appointment.id, clerk.clerkId, now)) {
      book.reserve(clerk.clerkId, appointment.buffered);
      return clerk.clerkId;
    }
  }
  return undefined;
}

/** One attempt in a savepoint: a booking of that clerk made meanwhile undoes only the attempt. */
async function tryMove(trx: Knex.Transaction, id: number, clerkId: number, now: Date) {
  try {
    return await trx.transaction(async (savepoint) => {
      const moved = await savepoint('kep_appointments')
        .where({ id, status: 'booked' })
        .update({ clerk_id: clerkId, updated_at: now });
      return moved === 1;
    });
  } catch (error) {
    if (isExclusionViolation(error, NO_OVERLAP)) return false;
    throw error;
  }
}

async function cancelByKep(
  deps: ReassignDeps,
  trx: Knex.Transaction,
  takes: Takes,
  appointment: AffectedAppointment,
  settings: KepSettings,
  who: { now: Date; actorId: number; context: AuditContext },
): Promise<void> {
  const t = deps.i18n.t(appointment.lang);
  // A clerk's reason for leave (a sick day) is theirs: the citizen is told only that the clerk
  // is away. A closure's reason is public (a strike, the municipality's feast).
  const reason =
    takes.kind === 'closure' && takes.reason
      ? takes.reason
      : t(`kep.staffSettings.cancelReason.${takes.kind}`);
  await trx('kep_appointments')
    .where({ id: appointment.id })
    .update({
      status: 'cancelled',
      cancelled_by: 'kep',
      cancelled_at: who.now,
      cancel_reason: reason.slice(0, 1000),
      updated_at: who.now,
    });
  const next = await nextFreeTimes(deps, trx, appointment.areaId, settings, who.now);
  await sendAppointmentMail(deps, trx, appointment.id, 'cancelledByKep', { reason, next });
  await recordAudit(
    trx,
    {
      action: 'kep.appointment_cancelled',
      actorId: who.actorId,
      entity: { type: 'kep_appointment', id: appointment.id },
      details: {
        reference: appointment.reference,
        clerkId: appointment.clerkId,
        cause: takes.kind,
        next: next.map((start) => start.toISOString()),
      },
    },
    who.context,
  );
}

/** The area's first free times from now to the horizon, as a new booking would see them. */
async function nextFreeTimes(
  deps: ReassignDeps,
  conn: Conn,
  areaId: number,
  settings: KepSettings,
  now: Date,
): Promise<Date[]> {
  const rules: SlotRules = {
    minutes: 0,
    bufferMinutes: settings.bufferMinutes,
    noticeMinutes: settings.noticeMinutes,
    horizonDays: settings.horizonDays,
    now,
  };
  const feast = await localFeast(deps);
  if (feast) rules.localFeast = feast;
  const days = { from: athensDate(now), to: lastBookableDay(rules) };
  const time = await loadAreaTime(conn, areaId, days, settings.bufferMinutes);
  if (!time) return [];
  rules.minutes = time.minutes;
  return freeStartsAfter(now, NEXT_OFFERED, days, rules, time.clerks, time.closures);
}

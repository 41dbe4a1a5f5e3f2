import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { athensInstant } from '../../../lib/athens-time.ts';
import { addDays } from '../../../lib/dates.ts';
import { athensDate } from '../../../lib/format.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { localFeast } from '../../site/local-feast.ts';
import {
  bookSlot,
  loadAreaTime,
  type BookingDetails,
  type BookingOutcome,
} from '../booking.service.ts';
import { sendAppointmentMail } from '../kep.mail.ts';
import { readKepSettings } from '../kep.settings.ts';
import { freeSlots, lastBookableDay, type SlotRules } from '../slots.ts';

/** Who may see every clerk's appointments and their special-category details. */
export const KEP_MANAGER = 'kep_manager';
/** A week and a bit of one ΚΕΠ's appointments is far below this; it only bounds a page. */
const SCHEDULE_LIMIT = 3000;

export interface Viewer {
  id: number;
  roles: readonly string[];
}

export const isManager = (viewer: Viewer) => viewer.roles.includes(KEP_MANAGER);

/** A viewer sees an appointment's details when it is theirs or they manage the ΚΕΠ. */
const maySee = (viewer: Viewer, clerkId: number) => clerkId === viewer.id || isManager(viewer);

export type AppointmentStatus = 'booked' | 'cancelled' | 'rescheduled' | 'no_show' | 'done';

export interface ScheduleEntry {
  id: number;
  reference: string;
  starts_at: Date;
  ends_at: Date;
  status: AppointmentStatus;
  /** Null once the citizen's account was deleted (the appointment stays, naming nobody). */
  full_name: string | null;
  area_el: string;
  area_en: string;
  clerk_id: number;
  clerk_name: string;
  /** Whether accessibility needs were given (what they are is on the appointment's page). */
  has_needs: boolean;
}

/** The appointments starting on the days `from`…`to` (Athens, both included), of one clerk or all. */
export async function scheduleOf(
  conn: Conn,
  days: { from: string; to: string },
  clerkId: number | undefined,
): Promise<ScheduleEntry[]> {
  const query = conn('kep_appointments as ap')
    .join('kep_areas as ar', 'ar.id', 'ap.area_id')
    .join('users as u', 'u.id', 'ap.clerk_id')
    .where('ap.starts_at', '>=', athensInstant(days.from, '00:00'))
    .where('ap.starts_at', '<', athensInstant(addDays(days.to, 1), '00:00'))
    .orderBy([{ column: 'ap.starts_at' }, { column: 'u.full_name' }, { column: 'ap.id' }])
    .limit(SCHEDULE_LIMIT)
    .select<ScheduleEntry[]>(
      'ap.id',
      'ap.reference',
      'ap.starts_at',
      'ap.ends_at',
      'ap.status',
      'ap.full_name',
      'ar.name_el as area_el',
      'ar.name_en as area_en',
      'ap.clerk_id',
      'u.full_name as clerk_name',
      conn.raw(
        '(ap.needs_sign_language OR ap.needs_lip_reading OR ap.needs_other IS NOT NULL) AS has_needs',
      ),
    );
  if (clerkId !== undefined) void query.where('ap.clerk_id', clerkId);
  return query;
}

/** The clerks a manager can filter the schedule by: those who serve an area or hold appointments. */
export async function kepClerks(conn: Conn): Promise<{ id: number; full_name: string }[]> {
  return conn('users as u')
    .whereExists((q) =>
      q.select(conn.raw('1')).from('kep_clerk_areas as ca').whereRaw('ca.clerk_id = u.id'),
    )
    .orWhereExists((q) =>
      q.select(conn.raw('1')).from('kep_appointments as ap').whereRaw('ap.clerk_id = u.id'),
    )
    .orderBy([{ column: 'u.full_name' }, { column: 'u.id' }])
    .select('u.id', 'u.full_name');
}

export interface AppointmentDetails extends ScheduleEntry {
  afm: string;
  citizen_id: number | null;
  room: string;
  email: string;
  phone_e164: string | null;
  postal_address: string | null;
  delivery: 'email' | 'post' | 'pickup';
  needs_sign_language: boolean;
  needs_lip_reading: boolean;
  needs_other: string | null;
  needs_erased_at: Date | null;
  lang: 'el' | 'en';
  booked_by_name: string | null;
  cancel_reason: string | null;
}

/** An appointment with the citizen's details, when the viewer may see them (else undefined). */
export async function appointmentFor(
  conn: Conn,
  id: number,
  viewer: Viewer,
): Promise<AppointmentDetails | undefined> {
  const row = (await conn('kep_appointments as ap')
    .join('kep_areas as ar', 'ar.id', 'ap.area_id')
    .join('users as u', 'u.id', 'ap.clerk_id')
    .leftJoin('users as b', 'b.id', 'ap.booked_by')
    .where('ap.id', id)
    .first(
      'ap.*',
      'ar.name_el as area_el',
      'ar.name_en as area_en',
      'u.full_name as clerk_name',
      'b.full_name as booked_by_name',
      conn.raw(
        '(ap.needs_sign_language OR ap.needs_lip_reading OR ap.needs_other IS NOT NULL) AS has_needs',
      ),
    )) as AppointmentDetails | undefined;
  return row && maySee(viewer, row.clerk_id) ? row : undefined;
}

export interface KepDocument {
  id: number;
  document_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
}

export async function documentsOf(conn: Conn, appointmentId: number): Promise<KepDocument[]> {
  return conn('kep_documents')
    .where({ appointment_id: appointmentId })
    .orderBy('id')
    .select('id', 'document_key', 'file_name', 'content_type', 'size_bytes');
}

export async function documentOf(
  conn: Conn,
  appointmentId: number,
  documentId: number,
): Promise<KepDocument | undefined> {
  return (await conn('kep_documents')
    .where({ appointment_id: appointmentId, id: documentId })
    .first('id', 'document_key', 'file_name', 'content_type', 'size_bytes')) as
    KepDocument | undefined;
}

/** Shown details are audited: who looked at whose special-category data, and when. */
export async function recordDetailsViewed(
  conn: Conn,
  appointment: { id: number; reference: string },
  viewer: Viewer,
  context: AuditContext,
): Promise<void> {
  await recordAudit(
    conn,
    {
      action: 'kep.details_viewed',
      actorId: viewer.id,
      entity: { type: 'kep_appointment', id: appointment.id },
      details: { reference: appointment.reference },
    },
    context,
  );
}

export interface KepArea {
  id: number;
  slug: string;
  name_el: string;
  name_en: string;
  minutes: number;
}

export async function activeAreas(conn: Conn): Promise<KepArea[]> {
  return conn('kep_areas')
    .where({ active: true })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'slug', 'name_el', 'name_en', 'minutes');
}

type PolicyDeps = Pick<Deps, 'db' | 'clock' | 'modules' | 'config' | 'contentCache'>;

/**
 * Every free start time of an area from today to the end of the horizon, by day (Athens); the
 * same rules the booking re-checks. Undefined when the area is unknown or not offered.
 */
export async function freeTimesOf(
  deps: PolicyDeps,
  areaId: number,
): Promise<{ day: string; starts: Date[] }[] | undefined> {
  const settings = await readKepSettings(deps);
  const feast = await localFeast(deps);
  const now = deps.clock.now();
  const today = athensDate(now);
  const last = lastBookableDay({ now, horizonDays: settings.horizonDays });
  const time = await loadAreaTime(
    deps.db,
    areaId,
    { from: today, to: last },
    settings.bufferMinutes,
  );
  if (!time) return undefined;
  const rules: SlotRules = { minutes: time.minutes, ...settings, now };
  if (feast) rules.localFeast = feast;
  const days: { day: string; starts: Date[] }[] = [];
  for (let day = today; day <= last; day = addDays(day, 1)) {
    const slots = freeSlots(day, rules, time.clerks, time.closures);
    if (slots.length) days.push({ day, starts: slots.map((slot) => slot.start) });
  }
  return days;
}

export interface OnBehalfInput {
  areaId: number;
  startsAt: Date;
  afm: string;
  fullName: string;
  email: string;
  phone: string | null;
  details: Omit<BookingDetails, 'bookedBy'>;
}

/**
 * A clerk books for a citizen who phoned or came to the counter: the same service and constraint
 * as the citizen's own booking, no account (the citizen finds it by signing in with TaxisNet
 * under the AFM). The mail and the audit entry are written in the booking's transaction.
 */
export async function bookOnBehalf(
  deps: Deps,
  input: OnBehalfInput,
  clerkId: number,
  context: AuditContext,
): Promise<BookingOutcome> {
  const settings = await readKepSettings(deps);
  const feast = await localFeast(deps);
  return bookSlot(deps, {
    areaId: input.areaId,
    startsAt: input.startsAt,
    person: {
      afm: input.afm,
      fullName: input.fullName,
      email: input.email,
      phone: input.phone,
      citizenId: null,
    },
    details: { ...input.details, bookedBy: clerkId },
    settings,
    ...(feast ? { localFeast: feast } : {}),
    onBooked: async (trx, booked) => {
      await sendAppointmentMail(deps, trx, booked.id, 'booked');
      await recordAudit(
        trx,
        {
          action: 'kep.appointment_booked_for',
          actorId: clerkId,
          entity: { type: 'kep_appointment', id: booked.id },
          details: { reference: booked.reference, areaId: input.areaId, clerkId: booked.clerkId },
        },
        context,
      );
    },
  });
}

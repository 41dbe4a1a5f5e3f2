import { z } from 'zod';
import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { LinkInvalidError, type FieldError } from '../../../lib/errors.ts';
import type { Lang } from '../../../lib/localized.ts';
import { checkLink, consumeLink, issueLink } from '../../../lib/one-time-links.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { appointmentWhen, clockTime } from '../kep.format.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';
import { recordJoin } from './call-log.ts';
import { callOf, consoleStage } from './console.service.ts';
import { jitsiSettingsOf } from './jitsi.config.ts';
import { issueCallToken, TOKEN_CLOSES_MS, TOKEN_OPENS_MS } from './jitsi.ts';

/**
 * A third person in a ΚΕΠ call (kep_call_guests): a helper the clerk invites by email (a
 * sign-language interpreter, a relative). The invitation is a one-time link; its first visit,
 * once the room is open, issues a guest token for that room only. The helper waits in the lobby
 * until the clerk admits them. Invitation and admission are audited.
 */

/** The one-time link's purpose; its data names the guest ({ guestId }). */
export const GUEST_LINK = 'kep_guest';
export const MAX_GUESTS = 3;
export const RELATIONS = ['interpreter', 'relative', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
const GUEST_TEMPLATE = 'kep-guest';

export interface GuestRow {
  id: number;
  appointment_id: number;
  name: string;
  email: string;
  relation: Relation;
  invited_at: Date;
  token_issued_at: Date | null;
  admitted_at: Date | null;
}

export function guestsOf(conn: Conn, appointmentId: number): Promise<GuestRow[]> {
  return conn('kep_call_guests')
    .where({ appointment_id: appointmentId })
    .orderBy('id')
    .select(
      'id',
      'appointment_id',
      'name',
      'email',
      'relation',
      'invited_at',
      'token_issued_at',
      'admitted_at',
    );
}

const inviteSchema = z.object({
  name: z.string().trim().min(2, 'kep.guests.errors.name').max(200, 'kep.guests.errors.nameLong'),
  email: z
    .string()
    .trim()
    .min(1, 'kep.guests.errors.email')
    .max(254, 'kep.guests.errors.email')
    .pipe(z.email('kep.guests.errors.email')),
  relation: z.enum(RELATIONS, 'kep.guests.errors.relation'),
});

/** The form's fields as the page names them (ids beside the console's other forms). */
const FIELD = { name: 'guest-name', email: 'guest-email', relation: 'guest-relation' } as const;

export interface InviteInput {
  name: string;
  email: string;
  relation: string;
}

export type InviteOutcome =
  | { errors: FieldError[] }
  | { refused: 'closed' | 'full' }
  | { invited: { id: number; email: string } };

/**
 * The clerk invites a helper while the appointment is booked and its call not over: the guest's
 * row, a one-time link valid until the room closes (the end + 30 minutes), and the invitation
 * mailed in the language the citizen booked in; all in one transaction on the appointment's
 * locked row, so no more than MAX_GUESTS are ever invited.
 */
export async function inviteGuest(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  appointment: Pick<AppointmentDetails, 'id' | 'reference'>,
  input: InviteInput,
  clerkId: number,
  context: AuditContext,
): Promise<InviteOutcome> {
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) {
    const errors: FieldError[] = [];
    for (const issue of parsed.error.issues) {
      const field = FIELD[issue.path[0] as keyof typeof FIELD];
      if (field && !errors.some((e) => e.field === field))
        errors.push({ field, key: issue.message });
    }
    return { errors };
  }
  const guest = parsed.data;
  const now = deps.clock.now();
  return deps.db.transaction(async (trx): Promise<InviteOutcome> => {
    const row = (await trx('kep_appointments')
      .where({ id: appointment.id })
      .forUpdate()
      .first('status', 'starts_at', 'ends_at')) as
      { status: string; starts_at: Date; ends_at: Date } | undefined;
    if (!row || consoleStage(row, await callOf(trx, appointment.id), now) === 'over')
      return { refused: 'closed' };
    const invited = await guestsOf(trx, appointment.id);
    if (invited.length >= MAX_GUESTS) return { refused: 'full' };
    if (invited.some((g) => g.email.toLowerCase() === guest.email.toLowerCase()))
      return { errors: [{ field: FIELD.email, key: 'kep.guests.errors.emailTaken' }] };
    const [{ id }] = (await trx('kep_call_guests')
      .insert({
        appointment_id: appointment.id,
        name: guest.name,
        email: guest.email,
        relation: guest.relation,
        invited_by: clerkId,
        invited_at: now,
      })
      .returning('id')) as [{ id: number }];
    const token = await issueLink(trx, {
      purpose: GUEST_LINK,
      expiresAt: new Date(row.ends_at.getTime() + TOKEN_CLOSES_MS),
      data: { guestId: id },
    });
    await recordAudit(
      trx,
      {
        action: 'kep.call_guest_invited',
        actorId: clerkId,
        entity: { type: 'kep_appointment', id: appointment.id },
        details: { reference: appointment.reference, guestId: id, relation: guest.relation },
      },
      context,
    );
    await sendInvitation(deps, trx, id, token);
    return { invited: { id, email: guest.email } };
  });
}

/**
 * The helper's invitation, in the appointment's booking language: when, what to expect (the
 * lobby, nothing recorded, a link that works once) and the link. Never a call token.
 */
async function sendInvitation(
  deps: Pick<Deps, 'config' | 'mailer'>,
  conn: Conn,
  guestId: number,
  token: string,
): Promise<void> {
  const visit = await guestAppointment(conn, guestId);
  if (!visit) throw new Error(`No ΚΕΠ guest ${guestId}`);
  const { guest, appointment } = visit;
  const lang = appointment.lang;
  const when = appointmentWhen(appointment.starts_at, appointment.ends_at, lang);
  await deps.mailer.send(
    GUEST_TEMPLATE,
    { email: guest.email, lang },
    {
      guestName: guest.name,
      relation: guest.relation,
      area: lang === 'en' ? appointment.name_en : appointment.name_el,
      date: when.date,
      starts: when.starts,
      ends: when.ends,
      opensAt: clockTime(new Date(appointment.starts_at.getTime() - TOKEN_OPENS_MS)),
      link: `${deps.config.baseUrl}/kep/guest/${token}?lang=${lang}`,
    },
    conn,
    { priority: 'link' },
  );
}

export type AdmitOutcome = 'admitted' | 'notFound' | 'notOpen' | 'notOpened' | 'alreadyAdmitted';

/**
 * The clerk admits a helper who opened their link (the console's script lets them in from
 * Jitsi's lobby by their name at the same time): recorded and audited, once.
 */
export async function admitGuest(
  deps: Pick<Deps, 'db' | 'clock'>,
  appointment: Pick<AppointmentDetails, 'id' | 'reference'>,
  guestId: number,
  clerkId: number,
  context: AuditContext,
): Promise<{ outcome: AdmitOutcome; name?: string }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (trx) => {
    const guest = (await trx('kep_call_guests')
      .where({ id: guestId, appointment_id: appointment.id })
      .forUpdate()
      .first('id', 'name', 'token_issued_at', 'admitted_at')) as
      Pick<GuestRow, 'id' | 'name' | 'token_issued_at' | 'admitted_at'> | undefined;
    if (!guest) return { outcome: 'notFound' as const };
    const row = (await trx('kep_appointments')
      .where({ id: appointment.id })
      .first('status', 'starts_at', 'ends_at')) as {
      status: string;
      starts_at: Date;
      ends_at: Date;
    };
    if (guest.admitted_at) return { outcome: 'alreadyAdmitted' as const, name: guest.name };
    if (consoleStage(row, await callOf(trx, appointment.id), now) !== 'open')
      return { outcome: 'notOpen' as const, name: guest.name };
    if (!guest.token_issued_at) return { outcome: 'notOpened' as const, name: guest.name };
    await trx('kep_call_guests')
      .where({ id: guest.id })
      .update({ admitted_at: now, admitted_by: clerkId });
    await recordAudit(
      trx,
      {
        action: 'kep.call_guest_admitted',
        actorId: clerkId,
        entity: { type: 'kep_appointment', id: appointment.id },
        details: { reference: appointment.reference, guestId: guest.id },
      },
      context,
    );
    return { outcome: 'admitted' as const, name: guest.name };
  });
}

/** A guest with what their pages and mail say of the appointment. */
export interface GuestVisit {
  guest: GuestRow;
  appointment: {
    id: number;
    status: string;
    room: string;
    starts_at: Date;
    ends_at: Date;
    lang: Lang;
    name_el: string;
    name_en: string;
  };
}

async function guestAppointment(conn: Conn, guestId: number): Promise<GuestVisit | undefined> {
  const guest = (await conn('kep_call_guests').where({ id: guestId }).first()) as
    GuestRow | undefined;
  if (!guest) return undefined;
  const appointment = (await conn('kep_appointments as a')
    .join('kep_areas as r', 'r.id', 'a.area_id')
    .where('a.id', guest.appointment_id)
    .first(
      'a.id',
      'a.status',
      'a.room',
      'a.starts_at',
      'a.ends_at',
      'a.lang',
      'r.name_el',
      'r.name_en',
    )) as GuestVisit['appointment'];
  return { guest, appointment };
}

/**
 * Where a guest's call stands: not yet open (more than 10 minutes before the start), open, over
 * (ended, its outcome recorded, or the identity could not be confirmed), cancelled or moved, or
 * disabled (no Jitsi server is configured).
 */
export type GuestStage = 'early' | 'open' | 'over' | 'cancelled' | 'moved' | 'disabled';

async function stageOf(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  visit: GuestVisit,
): Promise<GuestStage> {
  const { appointment } = visit;
  if (appointment.status === 'cancelled') return 'cancelled';
  if (appointment.status === 'rescheduled') return 'moved';
  const call = await callOf(deps.db, appointment.id);
  const stage = consoleStage(appointment, call, deps.clock.now());
  if (stage !== 'open') return stage;
  return jitsiSettingsOf(deps.config).enabled ? 'open' : 'disabled';
}

/**
 * What the invitation's page shows: its stage ('ready': open, the link not used yet, a "Join the
 * call" button), and once joined the guest's own token.
 */
export type GuestPage = GuestVisit & { stage: GuestStage | 'ready'; jwt?: string };

/**
 * The invitation's link followed. A link that cannot be used throws LinkInvalidError (410). Too
 * early, over, cancelled or disabled: the page says so and the link stays as it was. Open: on a
 * look (`join` false: the GET a mail's link scanner makes too) the page offers to join; on
 * joining the link is used (in one transaction with the guest's first token and their entering
 * logged) and a guest token for that room only is issued.
 */
export async function followGuestLink(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  token: string,
  join: boolean,
): Promise<GuestPage> {
  const now = deps.clock.now();
  // A dead invitation's page sends the helper to the manual's "who to call" for a new one.
  const link = await checkLink(deps.db, token, {
    purpose: GUEST_LINK,
    now,
    next: { href: '/kep/manual#help', textKey: 'kep.guests.page.newInvitation' },
  });
  const guestId = link.data.guestId;
  const visit = typeof guestId === 'number' ? await guestAppointment(deps.db, guestId) : undefined;
  if (!visit) throw new LinkInvalidError('unknown');
  const stage = await stageOf(deps, visit);
  if (stage !== 'open') return { ...visit, stage };
  if (!join) return { ...visit, stage: 'ready' };
  await deps.db.transaction(async (trx) => {
    await consumeLink(trx, token, { purpose: GUEST_LINK, now });
    await trx('kep_call_guests')
      .where({ id: visit.guest.id })
      .whereNull('token_issued_at')
      .update({ token_issued_at: now });
    await recordJoin(trx, {
      appointmentId: visit.appointment.id,
      role: 'guest',
      guestId: visit.guest.id,
      at: now,
    });
  });
  return { ...visit, stage, jwt: await guestToken(deps, visit) };
}

/**
 * The same browser back on its used link (a reload, the other language): the room again while
 * it is open. Anyone else with the used link gets the 410 page.
 */
export async function returnToGuestCall(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  guestId: number,
): Promise<GuestPage | undefined> {
  const visit = await guestAppointment(deps.db, guestId);
  if (!visit?.guest.token_issued_at) return undefined;
  const stage = await stageOf(deps, visit);
  if (stage !== 'open') return { ...visit, stage };
  await recordJoin(deps.db, {
    appointmentId: visit.appointment.id,
    role: 'guest',
    guestId: visit.guest.id,
    at: deps.clock.now(),
  });
  return { ...visit, stage, jwt: await guestToken(deps, visit) };
}

function guestToken(deps: Pick<Deps, 'config'>, visit: GuestVisit): Promise<string> {
  return issueCallToken(jitsiSettingsOf(deps.config), {
    room: visit.appointment.room,
    role: 'guest',
    id: `guest-${visit.guest.id}`,
    name: visit.guest.name,
    email: visit.guest.email,
    startsAt: visit.appointment.starts_at,
    endsAt: visit.appointment.ends_at,
  });
}

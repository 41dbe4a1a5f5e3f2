import type { Knex } from 'knex';
import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import type { Lang } from '../../lib/localized.ts';
import { newToken } from '../../lib/tokens.ts';
import type { MailAttachment } from '../mail/mail-queue.ts';
import { appointmentIcs } from './ics.ts';
import { appointmentWhen } from './kep.format.ts';

export type AppointmentMailKind =
  'booked' | 'reminder' | 'rescheduled' | 'cancelled' | 'cancelledByKep' | 'reassigned';

/** The mail template's name (emails/kep-appointment.html.ejs and .txt.ejs). */
export const APPOINTMENT_TEMPLATE = 'kep-appointment';

/** The calendar file's extension in the document store. */
const ICS_STORED_AS = 'ics';

const CANCELLATIONS: ReadonlySet<AppointmentMailKind> = new Set(['cancelled', 'cancelledByKep']);

export interface AppointmentRow {
  id: number;
  reference: string;
  full_name: string;
  email: string;
  lang: Lang;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
  updated_at: Date;
  name_el: string;
  name_en: string;
}

type MailDeps = Pick<Deps, 'config' | 'clock' | 'documents' | 'mailer'>;

/** A new manage link for the appointment (the token is stored hashed): its absolute URL. */
export async function newManageLink(
  deps: Pick<Deps, 'config' | 'clock'>,
  conn: Conn,
  appointmentId: number,
): Promise<string> {
  const { token, hash } = newToken();
  await conn('kep_manage_tokens').insert({
    token_hash: hash,
    appointment_id: appointmentId,
    created_at: deps.clock.now(),
  });
  return `${deps.config.baseUrl}/kep/manage/${token}`;
}

/**
 * The citizen's mail about their appointment, in the language they booked in, queued in `conn`'s
 * transaction (it leaves only if the change commits): when and what, the call page, what to have
 * ready, a fresh manage link, and the appointment as an .ics (a cancellation for cancellations).
 */
export async function sendAppointmentMail(
  deps: MailDeps,
  conn: Conn,
  appointmentId: number,
  kind: AppointmentMailKind,
  extra: { reason?: string; next?: Date[] } = {},
): Promise<void> {
  const row = await mailedAppointment(conn, { 'a.id': appointmentId });
  if (!row) throw new Error(`No ΚΕΠ appointment ${appointmentId}`);
  const lang = row.lang;
  const t = deps.mailer.context(lang).t;
  const { baseUrl } = deps.config;
  const cancelled = CANCELLATIONS.has(kind);
  const area = lang === 'en' ? row.name_en : row.name_el;
  const when = appointmentWhen(row.starts_at, row.ends_at, lang);
  const callLink = `${baseUrl}/kep/appointments/${row.id}/call`;
  const manageLink = cancelled ? '' : await newManageLink(deps, conn, row.id);
  const next = (extra.next ?? []).map((start) => {
    const w = appointmentWhen(start, start, lang);
    return `${w.date}, ${w.starts}`;
  });

  const attachments: MailAttachment[] = [
    await storedIcs(deps, conn, row, {
      method: cancelled ? 'CANCEL' : 'REQUEST',
      summary: t('emails.kep-appointment.ics.summary', { area }),
      description: t('emails.kep-appointment.ics.description', {
        reference: row.reference,
        area,
        link: callLink,
      }),
      callLink,
    }),
  ];
  if (kind === 'rescheduled') {
    // The time it replaces leaves the citizen's calendar too.
    const old = await mailedAppointment(conn, { 'a.rescheduled_to': row.id });
    if (old)
      attachments.push(
        await storedIcs(deps, conn, old, {
          method: 'CANCEL',
          summary: t('emails.kep-appointment.ics.summary', { area }),
          description: t('emails.kep-appointment.ics.replaced', { reference: row.reference }),
          callLink: `${baseUrl}/kep/appointments/${old.id}/call`,
        }),
      );
  }

  await deps.mailer.send(
    APPOINTMENT_TEMPLATE,
    { email: row.email, lang },
    {
      kind,
      fullName: row.full_name,
      reference: row.reference,
      area,
      date: when.date,
      starts: when.starts,
      ends: when.ends,
      callLink,
      manageLink,
      bookAgainLink: `${baseUrl}/kep/book?again=${row.id}`,
      appointmentsLink: `${baseUrl}/kep/appointments`,
      reason: extra.reason ?? '',
      next,
    },
    conn,
    { attachments },
  );
}

/**
 * What a mail says of an appointment: the one the condition finds, with its area's names, and
 * any `extra` columns a mail of its own needs (the call's outcome mail: the address, the request).
 */
export async function mailedAppointment<Extra extends object = object>(
  conn: Conn,
  where: Record<string, number>,
  extra: readonly (string | Knex.Raw)[] = [],
): Promise<(AppointmentRow & Extra) | undefined> {
  return (await conn('kep_appointments as a')
    .join('kep_areas as r', 'r.id', 'a.area_id')
    .where(where)
    .first(
      ...extra,
      'a.id',
      'a.reference',
      'a.full_name',
      'a.email',
      'a.lang',
      'a.starts_at',
      'a.ends_at',
      'a.created_at',
      'a.updated_at',
      'r.name_el',
      'r.name_en',
    )) as (AppointmentRow & Extra) | undefined;
}

/** The appointment's .ics written to the document store, as the mail's attachment. */
async function storedIcs(
  deps: MailDeps,
  conn: Conn,
  row: AppointmentRow,
  event: { method: 'REQUEST' | 'CANCEL'; summary: string; description: string; callLink: string },
): Promise<MailAttachment> {
  const host = new URL(deps.config.baseUrl).hostname;
  const organizer = {
    name: row.lang === 'en' ? deps.config.MUNICIPALITY_NAME_EN : deps.config.MUNICIPALITY_NAME_EL,
    email: addressOf(deps.config.MAIL_FROM),
  };
  const sequence = Math.max(
    0,
    Math.floor((row.updated_at.getTime() - row.created_at.getTime()) / 1000),
  );
  const ics = appointmentIcs({
    reference: row.reference,
    host,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    stamp: deps.clock.now(),
    sequence: event.method === 'CANCEL' ? sequence + 1 : sequence,
    summary: event.summary,
    description: event.description,
    url: event.callLink,
    organizer,
    attendee: { name: row.full_name, email: row.email },
    method: event.method,
  });
  const documentKey = await deps.documents.save(Buffer.from(ics, 'utf8'), ICS_STORED_AS);
  // Recorded in the mail's transaction, so the retention job removes it once the mail is long sent.
  await conn('kep_mail_files').insert({
    document_key: documentKey,
    appointment_id: row.id,
    created_at: deps.clock.now(),
  });
  return {
    fileName: `${asciiReference(row.reference)}${event.method === 'CANCEL' ? '-cancel' : ''}.ics`,
    documentKey,
    contentType: `text/calendar; charset=utf-8; method=${event.method}`,
  };
}

/** The bare address of a From header ("Name <a@b>" or "a@b"). */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** 'ΚΕΠ-2026-000123' as a file name every mail program keeps: 'KEP-2026-000123'. */
function asciiReference(reference: string): string {
  return reference.replace(/^ΚΕΠ/, 'KEP');
}

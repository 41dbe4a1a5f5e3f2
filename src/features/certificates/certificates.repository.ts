import type { Conn } from '../../db/knex.ts';
import type { CertificateFields, Template } from './document.ts';

export type DeliveryMethod = 'email' | 'post' | 'pickup';
/** Withdrawn: its applicant's account was deleted while it was pending. */
export type ApplicationStatus = 'submitted' | 'in_progress' | 'issued' | 'rejected' | 'withdrawn';
export type DeliveryState = 'emailed' | 'posted' | 'ready_for_pickup' | 'handed_over';
export type EventKind =
  'submitted' | 'in_progress' | 'issued' | 'rejected' | DeliveryState | 'revoked' | 'withdrawn';

export interface CertificateTypeRow {
  code: string;
  template: Template;
  name_el: string;
  name_en: string;
  description_el: string;
  description_en: string;
  who: 'holder' | 'family';
  issue_mode: 'instant' | 'clerk';
  deadline_days: number;
  fee_cents: number;
  validity_months: number | null;
  delivery_methods: DeliveryMethod[];
  by_phone: boolean;
  active: boolean;
  position: number;
}

export interface ApplicationRow {
  id: number;
  reference: string;
  user_id: number | null;
  type_code: string;
  subject_person_id: number | null;
  applicant_person_id: number | null;
  subject_afm: string | null;
  subject_name: string;
  purpose: string | null;
  delivery: DeliveryMethod;
  post_address: string | null;
  channel: 'web' | 'phone';
  /** The phone call step it was made at (`<CallSid>/<step>`), if by phone. */
  phone_step: string | null;
  lang: 'el' | 'en';
  status: ApplicationStatus;
  delivery_state: DeliveryState | null;
  deadline: string;
  handled_by: number | null;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CertificateRow {
  id: number;
  application_id: number;
  type_code: string;
  number: string;
  verification_code: string;
  holder_name: string;
  sealed_by: string;
  file_key: string;
  file_sha256: string;
  file_bytes: number;
  fields: CertificateFields;
  corrections: Correction[];
  issued_at: Date;
  issued_by: number | null;
  valid_until: string | null;
  revoked_at: Date | null;
  revoked_by: number | null;
  revocation_reason: string | null;
}

export interface Correction {
  field: string;
  from: string;
  to: string;
  reason: string;
}

export interface EventRow {
  id: number;
  application_id: number;
  kind: EventKind;
  note: string | null;
  actor_id: number | null;
  at: Date;
}

export async function listTypes(db: Conn, options: { activeOnly?: boolean } = {}) {
  const query = db<CertificateTypeRow>('certificate_types').orderBy([
    { column: 'position' },
    { column: 'code' },
  ]);
  if (options.activeOnly) void query.where({ active: true });
  return query;
}

export async function typeByCode(db: Conn, code: string) {
  return db<CertificateTypeRow>('certificate_types').where({ code }).first();
}

/** The next number of a series in a year, in the caller's transaction (never skipped, never shared). */
export async function nextNumber(
  trx: Conn,
  series: 'application' | 'certificate',
  year: number,
): Promise<number> {
  const { rows } = await trx.raw<{ rows: { last: number }[] }>(
    `INSERT INTO certificate_numbers (series, year, last) VALUES (?, ?, 1)
     ON CONFLICT (series, year) DO UPDATE SET last = certificate_numbers.last + 1
     RETURNING last`,
    [series, year],
  );
  return rows[0]!.last;
}

export async function applicationByReference(db: Conn, reference: string) {
  return db<ApplicationRow>('certificate_applications').where({ reference }).first();
}

export async function applicationById(db: Conn, id: number) {
  return db<ApplicationRow>('certificate_applications').where({ id }).first();
}

/** A citizen's applications, newest first, with the type's names and the certificate's state. */
export async function applicationsOfUser(db: Conn, userId: number) {
  return db('certificate_applications as a')
    .join('certificate_types as t', 't.code', 'a.type_code')
    .leftJoin('certificates as c', 'c.application_id', 'a.id')
    .where('a.user_id', userId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .select<
      (ApplicationRow & {
        name_el: string;
        name_en: string;
        revoked_at: Date | null;
        valid_until: string | null;
      })[]
    >('a.*', 't.name_el', 't.name_en', 'c.revoked_at', 'c.valid_until');
}

export async function eventsOf(db: Conn, applicationId: number) {
  return db<EventRow>('certificate_events').where({ application_id: applicationId }).orderBy('id');
}

export async function certificateOfApplication(db: Conn, applicationId: number) {
  return db<CertificateRow>('certificates').where({ application_id: applicationId }).first();
}

export async function certificateByCode(db: Conn, code: string) {
  return db<CertificateRow>('certificates').where({ verification_code: code }).first();
}

export async function addEvent(
  trx: Conn,
  applicationId: number,
  kind: EventKind,
  actorId: number | null,
  note: string | null = null,
): Promise<void> {
  await trx('certificate_events').insert({
    application_id: applicationId,
    kind,
    actor_id: actorId,
    note,
  });
}

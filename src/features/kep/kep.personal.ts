import type { Knex } from 'knex';
import { asStored, ownAfms, plainFileName } from '../identity/personal-data.ts';
import type { ExportedFile, Person } from '../module.ts';

/**
 * The person's ΚΕΠ appointments, for their download and their erasure: those their account
 * booked, and those booked under an AFM the account holds as its own (a clerk's booking for them).
 */
export async function appointmentIdsOf(conn: Knex, person: Person): Promise<number[]> {
  const afms = await ownAfms(conn, person);
  return (await conn('kep_appointments')
    .where((query) => {
      void query.where('citizen_id', person.userId);
      if (afms.length) void query.orWhereIn('afm', afms);
    })
    .orderBy('id')
    .pluck('id')) as number[];
}

/**
 * Everything the ΚΕΠ holds about the person: each appointment as stored (with its area's name),
 * its needs and the documents uploaded, the call's facts (identity check, outcome, delivery), who
 * entered the call when, and the helpers invited (their name and relation, as the appointment's
 * data; not their email, which is the helper's). Staff are not named: whether staff did it is.
 */
export async function exportKep(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const ids = await appointmentIdsOf(conn, person);
  if (!ids.length) return { appointments: [] };
  const appointments = (await conn('kep_appointments as a')
    .join('kep_areas as r', 'r.id', 'a.area_id')
    .leftJoin('kep_appointments as m', 'm.id', 'a.rescheduled_to')
    .whereIn('a.id', ids)
    .orderBy('a.starts_at')
    .select(
      'a.id',
      'a.reference',
      'r.name_el as area_el',
      'r.name_en as area_en',
      'a.status',
      'a.starts_at',
      'a.ends_at',
      'a.afm',
      'a.full_name',
      'a.email',
      'a.phone_e164',
      'a.postal_address',
      'a.delivery',
      'a.needs_sign_language',
      'a.needs_lip_reading',
      'a.needs_other',
      'a.needs_erased_at',
      'a.lang',
      conn.raw('a.booked_by IS NOT NULL AS booked_by_staff'),
      'm.reference as rescheduled_to',
      'a.created_at',
      'a.updated_at',
      'a.cancelled_at',
      'a.cancelled_by',
      'a.cancel_reason',
      'a.first_reminder_at',
      'a.second_reminder_at',
    )) as ({ id: number } & Record<string, unknown>)[];
  const [documents, calls, joins, guests] = await Promise.all([
    conn('kep_documents')
      .whereIn('appointment_id', ids)
      .orderBy('id')
      .select('appointment_id', 'file_name', 'content_type', 'size_bytes', 'created_at'),
    conn('kep_calls')
      .whereIn('appointment_id', ids)
      .select(
        'appointment_id',
        'identity_result',
        'identity_document_type',
        'identity_document_masked',
        'identity_fail_reason',
        'identity_account',
        'identity_checked_at',
        'audio_only_at',
        'outcome',
        'outcome_requested',
        'outcome_at',
        'delivery_state',
        'delivered_at',
        'result_file_name',
      ),
    conn('kep_call_joins as j')
      .leftJoin('kep_call_guests as g', 'g.id', 'j.guest_id')
      .whereIn('j.appointment_id', ids)
      .orderBy(['j.joined_at', 'j.id'])
      .select('j.appointment_id', 'j.role', 'g.name as guest_name', 'j.joined_at'),
    conn('kep_call_guests')
      .whereIn('appointment_id', ids)
      .orderBy('id')
      .select('appointment_id', 'name', 'relation', 'invited_at', 'token_issued_at', 'admitted_at'),
  ]);
  const of = (rows: Record<string, unknown>[], id: number) =>
    rows
      .filter((row) => row.appointment_id === id)
      .map(({ appointment_id: _id, ...rest }) => asStored(rest));
  return {
    appointments: appointments.map(({ id, ...row }) => ({
      ...asStored(row),
      documents: of(documents as Record<string, unknown>[], id),
      call: of(calls as Record<string, unknown>[], id)[0] ?? null,
      callLog: of(joins as Record<string, unknown>[], id),
      helpers: of(guests as Record<string, unknown>[], id),
    })),
  };
}

/** The documents uploaded for the person's appointments and the results the ΚΕΠ sent them. */
export async function exportKepFiles(person: Person, conn: Knex): Promise<ExportedFile[]> {
  const ids = await appointmentIdsOf(conn, person);
  if (!ids.length) return [];
  const documents = (await conn('kep_documents as d')
    .join('kep_appointments as a', 'a.id', 'd.appointment_id')
    .whereIn('d.appointment_id', ids)
    .orderBy('d.id')
    .select('d.id', 'd.document_key', 'd.file_name', 'a.reference')) as {
    id: number;
    document_key: string;
    file_name: string;
    reference: string;
  }[];
  const results = (await conn('kep_calls as c')
    .join('kep_appointments as a', 'a.id', 'c.appointment_id')
    .whereIn('c.appointment_id', ids)
    .whereNotNull('c.result_document_key')
    .select('c.result_document_key', 'c.result_file_name', 'a.reference')) as {
    result_document_key: string;
    result_file_name: string | null;
    reference: string;
  }[];
  return [
    ...documents.map((doc) => ({
      path: `${doc.reference}/documents/${doc.id}-${plainFileName(doc.file_name)}`,
      documentKey: doc.document_key,
    })),
    ...results.map((result) => ({
      path: `${result.reference}/result-${plainFileName(result.result_file_name ?? '', 'document.pdf')}`,
      documentKey: result.result_document_key,
    })),
  ];
}

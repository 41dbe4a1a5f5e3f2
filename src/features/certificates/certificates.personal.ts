import type { Knex } from 'knex';
import { recordAudit } from '../audit/audit.repository.ts';
import { asStored, plainFileName } from '../identity/personal-data.ts';
import type { ErasureContext, ExportedFile, Person } from '../module.ts';
import { addEvent } from './certificates.repository.ts';

/**
 * The person's applications (those their account made), each with its timeline and, once issued,
 * its certificate: number, verification code, what it prints about them, validity, revocation.
 * The members of a family record a certificate lists are in its PDF (the file in the download),
 * not repeated here. Staff are not named.
 */
export async function exportCertificates(
  person: Person,
  conn: Knex,
): Promise<Record<string, unknown>> {
  const applications = (await conn('certificate_applications as a')
    .join('certificate_types as t', 't.code', 'a.type_code')
    .where('a.user_id', person.userId)
    .orderBy('a.id')
    .select(
      'a.id',
      'a.reference',
      'a.type_code',
      't.name_el as type_el',
      't.name_en as type_en',
      'a.subject_name',
      'a.subject_afm',
      'a.purpose',
      'a.delivery',
      'a.post_address',
      'a.channel',
      'a.lang',
      'a.status',
      'a.delivery_state',
      'a.deadline',
      'a.rejection_reason',
      'a.created_at',
      'a.updated_at',
    )) as ({ id: number } & Record<string, unknown>)[];
  const ids = applications.map((a) => a.id);
  const [events, certificates] = await Promise.all([
    conn('certificate_events')
      .whereIn('application_id', ids)
      .orderBy('id')
      .select('application_id', 'kind', 'note', 'at'),
    conn('certificates')
      .whereIn('application_id', ids)
      .select(
        'application_id',
        'number',
        'verification_code',
        'holder_name',
        'sealed_by',
        'file_sha256',
        'file_bytes',
        'fields',
        'corrections',
        'issued_at',
        'valid_until',
        'revoked_at',
        'revocation_reason',
      ),
  ]);
  return {
    applications: applications.map(({ id, ...application }) => {
      const certificate = (certificates as Record<string, unknown>[]).find(
        (c) => c.application_id === id,
      );
      return {
        ...asStored(application),
        events: (events as Record<string, unknown>[])
          .filter((e) => e.application_id === id)
          .map(({ application_id: _id, ...event }) => asStored(event)),
        certificate: certificate ? ownCertificate(certificate) : null,
      };
    }),
  };
}

function ownCertificate({
  application_id: _id,
  fields,
  ...certificate
}: Record<string, unknown>): Record<string, unknown> {
  const printed = { ...((fields ?? {}) as Record<string, unknown>) };
  delete printed.members;
  return { ...asStored(certificate), fields: asStored(printed) };
}

/** The PDFs of the certificates issued on the person's applications. */
export async function exportCertificateFiles(person: Person, conn: Knex): Promise<ExportedFile[]> {
  const rows = (await conn('certificates as c')
    .join('certificate_applications as a', 'a.id', 'c.application_id')
    .where('a.user_id', person.userId)
    .orderBy('c.id')
    .select('c.number', 'c.file_key', 'a.reference')) as {
    number: string;
    file_key: string;
    reference: string;
  }[];
  return rows.map((row) => ({
    path: `${plainFileName(row.reference)}-${plainFileName(row.number)}.pdf`,
    documentKey: row.file_key,
  }));
}

const PENDING = ['submitted', 'in_progress'];

/**
 * The person's account is deleted. An issued certificate, its PDF and its verification stay as
 * the law keeps them (the municipality must be able to confirm, at /verify, a certificate it
 * issued, for as long as it may be shown): the holder's name, whom and what it is about, its
 * number, and its application's reference, type, purpose and timeline. What goes from every
 * application of theirs is its link to the account (and the account's in its timeline), the
 * applicant's own person on the roll, their postal address and the phone call it was made in.
 * Pending applications are withdrawn (a timeline entry, audited, no mail: the account's deletion
 * mail says it all) and, like rejected ones, no certificate was issued on them: whom they were
 * about and their purpose go too.
 */
export async function eraseCertificates(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  const now = context.deps.clock.now();
  const applications = (await trx('certificate_applications')
    .where('user_id', person.userId)
    .forUpdate()
    .select('id', 'reference', 'status')) as { id: number; reference: string; status: string }[];
  if (!applications.length) return;
  for (const application of applications.filter((a) => PENDING.includes(a.status))) {
    await trx('certificate_applications')
      .where({ id: application.id })
      .update({ status: 'withdrawn', updated_at: now });
    await addEvent(trx, application.id, 'withdrawn', null);
    await recordAudit(trx, {
      action: 'certificates.withdrawn',
      actorId: null,
      entity: { type: 'certificate_application', id: application.id },
      details: { reference: application.reference },
    });
  }
  const ids = applications.map((a) => a.id);
  await trx('certificate_events')
    .whereIn('application_id', ids)
    .where('actor_id', person.userId)
    .update({ actor_id: null });
  await trx('certificate_applications').whereIn('id', ids).update({
    user_id: null,
    applicant_person_id: null,
    post_address: null,
    phone_step: null,
    applicant_erased_at: now,
  });
  await trx('certificate_applications')
    .whereIn('id', ids)
    .whereNot('status', 'issued')
    .update({ subject_person_id: null, subject_afm: null, subject_name: '', purpose: null });
}

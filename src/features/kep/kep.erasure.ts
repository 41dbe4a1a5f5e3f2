import type { Knex } from 'knex';
import type { ErasureContext, Person } from '../module.ts';
import { appointmentIdsOf } from './kep.personal.ts';
import { cancelAsCitizen } from './manage.service.ts';
import { GUEST_LINK } from './call/guests.service.ts';

/**
 * The person's account is deleted. Their appointments still to come are cancelled as their own
 * cancellation would be (the cancellation mail queued in this transaction, with the reason in
 * the language they booked in). Then every appointment of theirs loses what names them: the
 * AFM, name, email, phone and address, the needs, the documents (rows now, files once the
 * deletion commits), the call's identity-check document and the result PDF, what they asked
 * for, their helpers' names and emails and invitation links, their manage links, and their
 * account's link to it and to the call log. What stays is what the ΚΕΠ counts: the area, the
 * times, the status, the clerk, the outcome and how the result went.
 */
export async function eraseKep(
  person: Person,
  trx: Knex.Transaction,
  context: ErasureContext,
): Promise<void> {
  const ids = await appointmentIdsOf(trx, person);
  if (!ids.length) return;
  const { deps } = context;
  const now = deps.clock.now();
  const coming = (await trx('kep_appointments')
    .whereIn('id', ids)
    .where('status', 'booked')
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .forUpdate()
    .select('id', 'lang')) as { id: number; lang: 'el' | 'en' }[];
  for (const appointment of coming)
    await cancelAsCitizen(
      deps,
      trx,
      appointment.id,
      deps.i18n.t(appointment.lang)('kep.privacy.erasure.cancelReason'),
      { now, until: 'end' },
    );

  const documents = (await trx('kep_documents')
    .whereIn('appointment_id', ids)
    .delete()
    .returning('document_key')) as { document_key: string }[];
  const results = (await trx('kep_calls')
    .whereIn('appointment_id', ids)
    .whereNotNull('result_document_key')
    .pluck('result_document_key')) as string[];
  for (const key of [...documents.map((d) => d.document_key), ...results])
    context.removeAfterCommit(key);
  await trx('kep_calls').whereIn('appointment_id', ids).update(ERASED_CALL_FACTS);

  const guests = (await trx('kep_call_guests')
    .whereIn('appointment_id', ids)
    .pluck('id')) as number[];
  if (guests.length) {
    await trx('one_time_links')
      .where({ purpose: GUEST_LINK })
      .whereRaw("data->>'guestId' = ANY(?)", [guests.map(String)])
      .delete();
    await trx('kep_call_guests').whereIn('id', guests).update({ name: null, email: null });
  }
  await trx('kep_call_joins')
    .whereIn('appointment_id', ids)
    .where((query) => query.where('role', 'citizen').orWhere('user_id', person.userId))
    .update({ user_id: null });
  await trx('kep_manage_tokens').whereIn('appointment_id', ids).delete();
  await trx('kep_appointments')
    .whereIn('id', ids)
    .update({
      citizen_id: null,
      afm: null,
      full_name: null,
      email: null,
      phone_e164: null,
      postal_address: null,
      needs_sign_language: false,
      needs_lip_reading: false,
      needs_other: null,
      needs_erased_at: trx.raw('coalesce(needs_erased_at, ?)', [now]),
      cancel_reason: null,
      personal_erased_at: now,
    });
}

/** What the retention rule empties of a call too, and what the person told the clerk. */
export const ERASED_IDENTITY_FACTS = {
  identity_document_type: null,
  identity_document_masked: null,
  identity_fail_reason: null,
  result_document_key: null,
  result_file_name: null,
} as const;

const ERASED_CALL_FACTS = {
  ...ERASED_IDENTITY_FACTS,
  identity_account: null,
  outcome_requested: null,
};

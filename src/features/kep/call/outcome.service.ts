import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { MailAttachment } from '../../mail/mail-queue.ts';
import { appointmentWhen } from '../kep.format.ts';
import { mailedAppointment } from '../kep.mail.ts';
import { writeCall } from './console.service.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';

/**
 * What came of a ΚΕΠ appointment (kep_calls): the outcome the clerk records once it has started,
 * with what the citizen asked for, and how the resulting document reached them. The citizen is
 * emailed at each step, in the language they booked in.
 */

export const OUTCOMES = ['served', 'documents_missing', 'no_show', 'technical_failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const DELIVERIES = ['emailed', 'posted', 'pickup_ready'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** After these the citizen has a document to receive. */
export const DELIVERABLE: ReadonlySet<string> = new Set<Outcome>(['served', 'documents_missing']);
/** After these the citizen is offered a new booking at once. */
export const BOOK_AGAIN: ReadonlySet<string> = new Set<Outcome>([
  'documents_missing',
  'no_show',
  'technical_failure',
]);
/** The outcomes for which what was requested must be written. */
const REQUESTED_NEEDED: ReadonlySet<string> = DELIVERABLE;
const REQUESTED_MIN = 3;
export const REQUESTED_MAX = 2000;

/** The mail template (emails/kep-outcome.html.ejs and .txt.ejs). */
const OUTCOME_TEMPLATE = 'kep-outcome';

export interface OutcomeRow {
  identity_result: string | null;
  outcome: Outcome | null;
  outcome_requested: string | null;
  outcome_at: Date | null;
  outcome_by_name: string | null;
  delivery_state: Delivery | null;
  delivered_at: Date | null;
  delivered_by_name: string | null;
  result_document_key: string | null;
  result_file_name: string | null;
}

export async function outcomeOf(conn: Conn, appointmentId: number) {
  return (await conn('kep_calls as c')
    .leftJoin('users as o', 'o.id', 'c.outcome_by')
    .leftJoin('users as d', 'd.id', 'c.delivered_by')
    .where('c.appointment_id', appointmentId)
    .first(
      'c.identity_result',
      'c.outcome',
      'c.outcome_requested',
      'c.outcome_at',
      'o.full_name as outcome_by_name',
      'c.delivery_state',
      'c.delivered_at',
      'd.full_name as delivered_by_name',
      'c.result_document_key',
      'c.result_file_name',
    )) as OutcomeRow | undefined;
}

/**
 * Whether an outcome may be recorded: once the appointment has started (or its call has begun:
 * an identity check was made) while it is still booked; once recorded it stands.
 */
export function outcomeStage(
  row: { status: string; starts_at: Date },
  call: Pick<OutcomeRow, 'outcome' | 'identity_result'> | undefined,
  now: Date,
): 'early' | 'open' | 'recorded' | 'closed' {
  if (call?.outcome) return 'recorded';
  if (row.status !== 'booked') return 'closed';
  if (row.starts_at.getTime() <= now.getTime() || call?.identity_result) return 'open';
  return 'early';
}

const isOutcome = (value: string): value is Outcome =>
  (OUTCOMES as readonly string[]).includes(value);
const isDelivery = (value: string): value is Delivery =>
  (DELIVERIES as readonly string[]).includes(value);

type OutcomeDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>;

export type RecordOutcome =
  | { errors: FieldError[] }
  | { refused: 'notStarted' | 'notBooked' | 'alreadyRecorded' }
  | { recorded: Outcome };

/**
 * Records the outcome and closes the appointment (a no-show as 'no_show', any other as 'done'),
 * audited, and queues the citizen's mail, all in one transaction on the appointment's locked row:
 * two clerks at once, one records and the other is refused.
 */
export async function recordOutcome(
  deps: OutcomeDeps,
  appointment: Pick<AppointmentDetails, 'id' | 'reference'>,
  input: { outcome: string; requested: string },
  clerkId: number,
  context: AuditContext,
): Promise<RecordOutcome> {
  const requested = input.requested.replace(/\r\n?/g, '\n').trim();
  const errors: FieldError[] = [];
  if (!isOutcome(input.outcome))
    errors.push({ field: 'outcome-kind', key: 'kep.outcome.errors.kind' });
  if (REQUESTED_NEEDED.has(input.outcome) && requested.length < REQUESTED_MIN)
    errors.push({ field: 'outcome-requested', key: 'kep.outcome.errors.requested' });
  else if (requested.length > REQUESTED_MAX)
    errors.push({ field: 'outcome-requested', key: 'kep.outcome.errors.requestedLong' });
  if (errors.length || !isOutcome(input.outcome)) return { errors };
  const outcome = input.outcome;

  const now = deps.clock.now();
  return deps.db.transaction(async (trx): Promise<RecordOutcome> => {
    const row = (await trx('kep_appointments')
      .where({ id: appointment.id })
      .forUpdate()
      .first('status', 'starts_at')) as { status: string; starts_at: Date } | undefined;
    if (!row) return { refused: 'notBooked' };
    const stage = outcomeStage(row, await outcomeOf(trx, appointment.id), now);
    if (stage === 'recorded') return { refused: 'alreadyRecorded' };
    if (stage === 'closed') return { refused: 'notBooked' };
    if (stage === 'early') return { refused: 'notStarted' };
    await writeCall(trx, appointment.id, {
      outcome,
      outcome_requested: requested || null,
      outcome_at: now,
      outcome_by: clerkId,
    });
    await trx('kep_appointments')
      .where({ id: appointment.id })
      .update({ status: outcome === 'no_show' ? 'no_show' : 'done', updated_at: now });
    await recordAudit(
      trx,
      {
        action: 'kep.call_outcome_recorded',
        actorId: clerkId,
        entity: { type: 'kep_appointment', id: appointment.id },
        details: { reference: appointment.reference, outcome },
      },
      context,
    );
    await sendOutcomeMail(deps, trx, appointment.id, outcome);
    return { recorded: outcome };
  });
}

/** The resulting document as the upload checked it (a PDF by its content). */
export interface ResultFile {
  content: Buffer;
  fileName: string;
}

export type DeliverResult =
  | { errors: FieldError[] }
  | { refused: 'notDeliverable' | 'alreadyDelivered' }
  | { delivered: Delivery };

/**
 * How the resulting document reached the citizen: by email (the PDF stored and attached), posted
 * to their address, or ready for pick-up at the ΚΕΠ; once only, after a served or documents-missing
 * outcome. Audited, and the citizen's mail queued in the same transaction. A file stored for a
 * delivery that is then refused is removed again.
 */
export async function deliverResult(
  deps: OutcomeDeps & Pick<Deps, 'documents'>,
  appointment: Pick<AppointmentDetails, 'id' | 'reference' | 'postal_address'>,
  input: { delivery: string; file?: ResultFile; fileError?: FieldError },
  clerkId: number,
  context: AuditContext,
): Promise<DeliverResult> {
  const errors: FieldError[] = [];
  const delivery = isDelivery(input.delivery) ? input.delivery : undefined;
  if (!delivery) errors.push({ field: 'delivery-method', key: 'kep.outcome.errors.method' });
  if (delivery === 'posted' && !appointment.postal_address?.trim())
    errors.push({ field: 'delivery-method', key: 'kep.outcome.errors.noAddress' });
  if (delivery === 'emailed' || !delivery) {
    if (input.fileError) errors.push(input.fileError);
    else if (delivery === 'emailed' && !input.file)
      errors.push({ field: 'delivery-file', key: 'kep.outcome.errors.file' });
  }
  // A browser never sends a chosen file again: say so when the form comes back without it.
  if (errors.length && input.file && !errors.some((e) => e.field === 'delivery-file'))
    errors.push({ field: 'delivery-file', key: 'kep.outcome.errors.fileAgain' });
  if (errors.length || !delivery) return { errors };

  const file = delivery === 'emailed' ? input.file : undefined;
  const key = file ? await deps.documents.save(file.content, 'pdf') : undefined;
  const now = deps.clock.now();
  let result: DeliverResult;
  try {
    result = await deps.db.transaction(async (trx): Promise<DeliverResult> => {
      await trx('kep_appointments').where({ id: appointment.id }).forUpdate().first('id');
      const call = await outcomeOf(trx, appointment.id);
      if (!call?.outcome || !DELIVERABLE.has(call.outcome)) return { refused: 'notDeliverable' };
      if (call.delivery_state) return { refused: 'alreadyDelivered' };
      await trx('kep_calls')
        .where({ appointment_id: appointment.id })
        .update({
          delivery_state: delivery,
          delivered_at: now,
          delivered_by: clerkId,
          result_document_key: key ?? null,
          result_file_name: file?.fileName ?? null,
        });
      await recordAudit(
        trx,
        {
          action: 'kep.call_result_delivered',
          actorId: clerkId,
          entity: { type: 'kep_appointment', id: appointment.id },
          details: {
            reference: appointment.reference,
            delivery,
            ...(file ? { fileName: file.fileName, bytes: file.content.length } : {}),
          },
        },
        context,
      );
      const attachment =
        key && file
          ? { fileName: file.fileName, documentKey: key, contentType: 'application/pdf' }
          : undefined;
      await sendOutcomeMail(deps, trx, appointment.id, delivery, attachment);
      return { delivered: delivery };
    });
  } catch (error) {
    if (key) await deps.documents.remove(key);
    throw error;
  }
  if (key && !('delivered' in result)) await deps.documents.remove(key);
  return result;
}

/**
 * The citizen's mail about the outcome (`kind`: the outcome) or the delivery (`kind`: how), queued
 * in `conn`'s transaction: what happened, what they asked for, their appointment's page, and after
 * a failed call or missing documents a link to book again with their details filled in.
 */
async function sendOutcomeMail(
  deps: Pick<Deps, 'config' | 'mailer'>,
  conn: Conn,
  appointmentId: number,
  kind: Outcome | Delivery,
  attachment?: MailAttachment,
): Promise<void> {
  const row = await mailedAppointment<{
    postal_address: string | null;
    outcome_requested: string | null;
  }>(conn, { 'a.id': appointmentId }, [
    'a.postal_address',
    conn.raw(
      '(SELECT outcome_requested FROM kep_calls WHERE appointment_id = a.id) AS outcome_requested',
    ),
  ]);
  if (!row) throw new Error(`No ΚΕΠ appointment ${appointmentId}`);
  const { baseUrl } = deps.config;
  const when = appointmentWhen(row.starts_at, row.ends_at, row.lang);
  const isOutcomeMail = isOutcome(kind);
  await deps.mailer.send(
    OUTCOME_TEMPLATE,
    { email: row.email, lang: row.lang },
    {
      kind,
      fullName: row.full_name,
      reference: row.reference,
      area: row.lang === 'en' ? row.name_en : row.name_el,
      date: when.date,
      starts: when.starts,
      ends: when.ends,
      requested: isOutcomeMail ? (row.outcome_requested ?? '') : '',
      postalAddress: kind === 'posted' ? (row.postal_address ?? '') : '',
      fileName: attachment?.fileName ?? '',
      appointmentLink: `${baseUrl}/kep/appointments/${row.id}`,
      bookAgainLink: BOOK_AGAIN.has(kind) ? `${baseUrl}/kep/book?again=${row.id}` : '',
      awaitingDelivery: kind === 'served',
    },
    conn,
    attachment ? { attachments: [attachment] } : {},
  );
}

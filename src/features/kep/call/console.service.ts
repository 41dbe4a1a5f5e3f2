import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { maskDocumentNumber } from '../../../lib/afm.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { documentErrors, markIdentityVerified } from '../../identity/staff/counter.service.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';
import { jitsiSettingsOf } from './jitsi.config.ts';
import { TOKEN_CLOSES_MS, TOKEN_OPENS_MS } from './jitsi.ts';

/** What is kept of a call (kep_calls): the identity check, sound only, the outcome. */
export interface CallRow {
  appointment_id: number;
  identity_result: 'confirmed' | 'not_confirmed' | null;
  identity_document_type: string | null;
  identity_document_masked: string | null;
  identity_fail_reason: string | null;
  identity_account: IdentityAccount | null;
  identity_checked_at: Date | null;
  audio_only_at: Date | null;
  outcome: string | null;
}

/** What a confirmed check did to the citizen's account. */
export type IdentityAccount =
  'verified' | 'already_verified' | 'afm_conflict' | 'setting_off' | 'no_account';

/** Writes these facts of an appointment's call, making its row if it is the first. */
export async function writeCall(
  conn: Conn,
  appointmentId: number,
  values: Record<string, unknown>,
): Promise<void> {
  await conn('kep_calls')
    .insert({ appointment_id: appointmentId, ...values })
    .onConflict('appointment_id')
    .merge(Object.keys(values));
}

export function callOf(conn: Conn, appointmentId: number): Promise<CallRow | undefined> {
  return conn('kep_calls').where({ appointment_id: appointmentId }).first() as Promise<
    CallRow | undefined
  >;
}

/**
 * Where an appointment's call stands for its clerk: before its doors open (10 minutes before
 * the start), open (until its tokens expire, 30 minutes after the end), or over; a call whose
 * identity check failed, or that is no longer booked, is over.
 */
export function consoleStage(
  row: { status: string; starts_at: Date; ends_at: Date },
  call: CallRow | undefined,
  now: Date,
): 'early' | 'open' | 'over' {
  if (row.status !== 'booked' || call?.identity_result === 'not_confirmed' || call?.outcome)
    return 'over';
  const at = now.getTime();
  if (at < row.starts_at.getTime() - TOKEN_OPENS_MS) return 'early';
  if (at >= row.ends_at.getTime() + TOKEN_CLOSES_MS) return 'over';
  return 'open';
}

export interface IdentityCheckInput {
  result: string;
  documentType: string;
  documentNumber: string;
  reason: string;
}

export type IdentityCheckOutcome =
  | { errors: FieldError[] }
  | { refused: 'notOpen' | 'alreadyChecked' }
  | { recorded: 'confirmed' | 'not_confirmed'; account?: IdentityAccount };

const MAX_REASON = 1000;

/**
 * The identity check on camera: the clerk saw the citizen's document (kept masked, as at the
 * counter) and confirms who they are, or could not (the call ends, with the reason). With
 * VIDEO_CHECK_VERIFIES_IDENTITY a confirmed check marks the citizen's account verified with the
 * AFM from TaxisNet (channel video), unless another verified account holds that AFM.
 */
export async function recordIdentityCheck(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer' | 'config'>,
  appointment: AppointmentDetails,
  input: IdentityCheckInput,
  clerkId: number,
  context: AuditContext,
): Promise<IdentityCheckOutcome> {
  const errors: FieldError[] = [];
  const confirmed = input.result === 'confirmed';
  if (input.result !== 'confirmed' && input.result !== 'not_confirmed')
    errors.push({ field: 'result', key: 'kep.call.identity.errors.result' });
  const documentGiven = input.documentNumber.trim() !== '';
  if (confirmed || documentGiven)
    errors.push(
      ...documentErrors(input).map((e) => ({
        field: e.field,
        key: `kep.call.identity.errors.${e.field}`,
      })),
    );
  const reason = input.reason.trim();
  if (input.result === 'not_confirmed' && (reason.length < 5 || reason.length > MAX_REASON))
    errors.push({ field: 'reason', key: 'kep.call.identity.errors.reason' });
  if (errors.length) return { errors };

  const now = deps.clock.now();
  return deps.db.transaction(async (trx): Promise<IdentityCheckOutcome> => {
    // The appointment's row is locked: two checks at once, one records and the other is refused.
    const row = (await trx('kep_appointments')
      .where({ id: appointment.id })
      .forUpdate()
      .first('status', 'starts_at', 'ends_at')) as
      { status: string; starts_at: Date; ends_at: Date } | undefined;
    const call = await callOf(trx, appointment.id);
    if (call?.identity_result) return { refused: 'alreadyChecked' };
    if (!row || consoleStage(row, call, now) !== 'open') return { refused: 'notOpen' };
    const masked = documentGiven ? maskDocumentNumber(input.documentNumber) : null;
    let account: IdentityAccount | undefined;
    if (confirmed) account = await verifyAccount(deps, trx, appointment, input, clerkId, context);
    await writeCall(trx, appointment.id, {
      identity_result: input.result,
      identity_document_type: documentGiven ? input.documentType : null,
      identity_document_masked: masked,
      identity_fail_reason: confirmed ? null : reason,
      identity_account: account ?? null,
      identity_checked_at: now,
      identity_checked_by: clerkId,
    });
    await recordAudit(
      trx,
      {
        action: 'kep.call_identity_checked',
        actorId: clerkId,
        entity: { type: 'kep_appointment', id: appointment.id },
        details: {
          reference: appointment.reference,
          result: input.result,
          ...(masked ? { documentType: input.documentType, documentNumber: masked } : {}),
          ...(account ? { account } : {}),
          ...(confirmed ? {} : { reason }),
        },
      },
      context,
    );
    return { recorded: confirmed ? 'confirmed' : 'not_confirmed', ...(account ? { account } : {}) };
  });
}

async function verifyAccount(
  deps: Pick<Deps, 'clock' | 'mailer' | 'config'>,
  trx: Parameters<typeof markIdentityVerified>[1],
  appointment: AppointmentDetails,
  input: IdentityCheckInput,
  clerkId: number,
  context: AuditContext,
): Promise<IdentityAccount> {
  if (!jitsiSettingsOf(deps.config).verifiesIdentity) return 'setting_off';
  // The account that booked; for a booking a clerk made, the citizen's TaxisNet account.
  const userId =
    appointment.citizen_id ??
    (
      (await trx('users')
        .where({ taxisnet_afm: appointment.afm })
        .whereRaw("roles = '{}'")
        .first('id')) as { id: number } | undefined
    )?.id;
  if (!userId) return 'no_account';
  const outcome = await markIdentityVerified(
    deps,
    trx,
    {
      userId,
      documentType: input.documentType,
      documentNumber: input.documentNumber,
      afm: appointment.afm,
      clerkId,
      channel: 'video',
    },
    context,
  );
  if (outcome === 'verified') return 'verified';
  if (outcome === 'alreadyVerified') return 'already_verified';
  if (outcome === 'afmTaken' || outcome === 'afmNotTaxisnet') return 'afm_conflict';
  return 'no_account';
}

/**
 * Sound only from now on, for everyone: the clerk's choice after the identity check (the
 * console mutes video through the iframe API; the citizen's page is told by its state).
 */
export async function setAudioOnly(
  deps: Pick<Deps, 'db' | 'clock'>,
  appointment: AppointmentDetails,
  clerkId: number,
  context: AuditContext,
): Promise<'set' | 'notConfirmed' | 'notOpen'> {
  const now = deps.clock.now();
  return deps.db.transaction(async (trx) => {
    const call = await callOf(trx, appointment.id);
    if (consoleStage(appointment, call, now) !== 'open') return 'notOpen';
    if (call?.identity_result !== 'confirmed') return 'notConfirmed';
    if (call.audio_only_at) return 'set';
    await trx('kep_calls').where({ appointment_id: appointment.id }).update({ audio_only_at: now });
    await recordAudit(
      trx,
      {
        action: 'kep.call_audio_only',
        actorId: clerkId,
        entity: { type: 'kep_appointment', id: appointment.id },
        details: { reference: appointment.reference },
      },
      context,
    );
    return 'set';
  });
}

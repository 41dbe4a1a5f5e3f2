import type { Knex } from 'knex';
import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import {
  comparableDocumentNumber,
  isValidAfm,
  maskDocumentNumber,
  normaliseDocumentNumber,
} from '../../../lib/afm.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { hashSecret } from '../../../lib/passwords.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { sendActivation, type ActivationMailDeps } from '../../accounts/activation.service.ts';
import { findUserById, updateUser, type UserRow } from '../../accounts/users.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import {
  identityChecksOf,
  insertIdentityCheck,
  lockAccountForCheck,
  revokeChecksOf,
  searchCitizens,
  type CitizenListRow,
  type IdentityCheckRow,
} from './citizens.repository.ts';

// The clerk's counter: the in-person identity check that opens tax and certificates, and its
// revocation; and a new activation email for a citizen the clerk has seen.

export const DOCUMENT_TYPES = ['identity_card', 'passport', 'residence_permit'] as const;

export interface IdentityCheckInput {
  documentType: string;
  documentNumber: string;
  afm: string;
  present: string;
}

/**
 * A citizen's account (not staff); NotFoundError for anyone else, and for a deleted account
 * (status 'erased': it names nobody, and there is nothing to check or correct on it).
 */
export async function findCitizen(deps: Pick<Deps, 'db'>, id: number): Promise<UserRow> {
  const user = await findUserById(deps.db, id);
  if (!user || user.roles.length || (user.status as string) === 'erased') throw new NotFoundError();
  return user;
}

/** Citizens by part of a name, username, email or phone. */
export function findCitizens(deps: Pick<Deps, 'db'>, query: string): Promise<CitizenListRow[]> {
  return searchCitizens(deps.db, query);
}

export function identityChecks(deps: Pick<Deps, 'db'>, id: number): Promise<IdentityCheckRow[]> {
  return identityChecksOf(deps.db, id);
}

/** Records the check: the document (masked, and hashed), the AFM; the citizen is told. */
export async function verifyIdentity(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer'>,
  id: number,
  input: IdentityCheckInput,
  clerkId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const errors = checkInputErrors(input);
  if (errors.length) return errors;
  const outcome = await deps.db.transaction((trx) =>
    markIdentityVerified(
      deps,
      trx,
      {
        userId: id,
        documentType: input.documentType,
        documentNumber: input.documentNumber,
        afm: input.afm.trim(),
        clerkId,
        channel: 'counter',
      },
      context,
    ),
  );
  if (outcome === 'notFound') throw new NotFoundError();
  return outcome === 'verified' ? [] : [VERIFY_REFUSALS[outcome]];
}

/** Why an account was not marked verified. */
export type VerifyOutcome =
  'verified' | 'notFound' | 'notActive' | 'alreadyVerified' | 'afmNotTaxisnet' | 'afmTaken';

const VERIFY_REFUSALS: Record<Exclude<VerifyOutcome, 'verified' | 'notFound'>, FormError> = {
  notActive: { field: 'documentType', key: 'staff.counter.errors.notActive' },
  alreadyVerified: { field: 'documentType', key: 'staff.counter.errors.alreadyVerified' },
  afmNotTaxisnet: { field: 'afm', key: 'staff.counter.errors.afmNotTaxisnet' },
  afmTaken: { field: 'afm', key: 'staff.counter.errors.afmTaken' },
};

export interface VerifiedCheck {
  userId: number;
  documentType: string;
  documentNumber: string;
  afm: string;
  clerkId: number;
  /** At the counter, or on camera in a ΚΕΠ video call. */
  channel: 'counter' | 'video';
}

/**
 * Marks a citizen's account identity-verified, in the caller's transaction but inside a
 * savepoint: when another verified account holds the AFM (a unique index), nothing of the check
 * is left behind and the caller's transaction goes on. The check is kept (the document masked,
 * and hashed), audited as `identity.verified` with its channel, and the citizen is told.
 */
export async function markIdentityVerified(
  deps: Pick<Deps, 'clock' | 'mailer'>,
  conn: Knex.Transaction,
  check: VerifiedCheck,
  context: AuditContext,
): Promise<VerifyOutcome> {
  const documentNumber = normaliseDocumentNumber(check.documentNumber);
  const { afm, userId: id } = check;
  try {
    return await conn.transaction(async (trx): Promise<VerifyOutcome> => {
      const user = await lockAccountForCheck(trx, id);
      if (!user || user.roles.length) return 'notFound';
      if (user.status !== 'active') return 'notActive';
      if (user.identity_verified_at) return 'alreadyVerified';
      if (user.taxisnet_afm && user.taxisnet_afm !== afm) return 'afmNotTaxisnet';
      await updateUser(trx, id, {
        identity_verified_at: deps.clock.now(),
        identity_channel: check.channel,
        afm,
      });
      const masked = maskDocumentNumber(documentNumber);
      await insertIdentityCheck(trx, {
        user_id: id,
        clerk_id: check.clerkId,
        document_type: check.documentType,
        document_number_masked: masked,
        // A later correction of contact details is checked against it (contact-correction.ts).
        document_number_hash: await hashSecret(comparableDocumentNumber(documentNumber)),
        afm,
        channel: check.channel,
      });
      await recordAudit(
        trx,
        {
          action: 'identity.verified',
          userId: id,
          actorId: check.clerkId,
          details: {
            documentType: check.documentType,
            documentNumber: masked,
            afm,
            channel: check.channel,
          },
        },
        context,
      );
      await notify(deps, id, 'identityVerified', trx);
      return 'verified';
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_verified_afm_key')) return 'afmTaken';
    throw error;
  }
}

export async function revokeIdentity(
  deps: Pick<Deps, 'db' | 'mailer'>,
  id: number,
  reason: string,
  clerkId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const text = reason.trim();
  if (text.length < 5 || text.length > 500)
    return [{ field: 'reason', key: 'staff.counter.errors.reason' }];
  await deps.db.transaction(async (trx) => {
    const user = await findCitizen(deps, id);
    if (!user.identity_verified_at) return;
    await updateUser(trx, id, { identity_verified_at: null, identity_channel: null });
    await revokeChecksOf(trx, id, { clerkId, reason: text });
    await recordAudit(
      trx,
      { action: 'identity.revoked', userId: id, actorId: clerkId, details: { reason: text } },
      context,
    );
    await notify(deps, id, 'identityRevoked', trx, text);
  });
  return [];
}

/**
 * The clerk, having checked who is at the counter, sends a pending account a new activation
 * email (new link and PIN). False when the account is not pending.
 */
export async function resendActivation(
  deps: ActivationMailDeps,
  id: number,
  clerkId: number,
  context: AuditContext,
): Promise<boolean> {
  const user = await findCitizen(deps, id);
  if (user.status !== 'pending') return false;
  await deps.db.transaction(async (trx) => {
    await sendActivation(deps, user, trx);
    await recordAudit(
      trx,
      { action: 'citizen.activation_resent', userId: user.id, actorId: clerkId },
      context,
    );
  });
  return true;
}

/** The document shown: a known type and a number of 4 to 20 letters or digits. */
export function documentErrors(input: {
  documentType: string;
  documentNumber: string;
}): FormError[] {
  const errors: FormError[] = [];
  if (!(DOCUMENT_TYPES as readonly string[]).includes(input.documentType))
    errors.push({ field: 'documentType', key: 'staff.counter.errors.documentType' });
  if (!/^[A-ZΑ-Ω0-9-]{4,20}$/.test(normaliseDocumentNumber(input.documentNumber)))
    errors.push({ field: 'documentNumber', key: 'staff.counter.errors.documentNumber' });
  return errors;
}

function checkInputErrors(input: IdentityCheckInput): FormError[] {
  const errors = documentErrors(input);
  if (!isValidAfm(input.afm.trim())) errors.push({ field: 'afm', key: 'staff.counter.errors.afm' });
  if (input.present !== 'yes')
    errors.push({ field: 'present', key: 'staff.counter.errors.present' });
  return errors;
}

async function notify(
  deps: Pick<Deps, 'mailer'>,
  userId: number,
  what: 'identityVerified' | 'identityRevoked',
  conn: Conn,
  reason?: string,
): Promise<void> {
  const user = await findUserById(conn, userId);
  if (!user) return;
  await deps.mailer.send(
    'identity-notice',
    user,
    { fullName: user.full_name, what, reason: reason ?? '' },
    conn,
  );
}

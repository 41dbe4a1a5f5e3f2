import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import {
  comparableDocumentNumber,
  maskDocumentNumber,
  normaliseDocumentNumber,
} from '../../../lib/afm.ts';
import { verifySecret } from '../../../lib/passwords.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import {
  emailTaken,
  phoneTakenByActive,
  updateUser,
  type UserRow,
} from '../../accounts/users.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { currentCheckOf, type CheckOnFile } from './citizens.repository.ts';
import { DOCUMENT_TYPES } from './counter.service.ts';

/** The identity document the clerk checks at the counter before correcting contact details. */
export interface PresentedDocument {
  type: string;
  number: string;
}

/**
 * Is the presented document the one of the citizen's identity check? By its hash when the check
 * has one; older checks kept only the masked number (first and last two characters), which is
 * then what is compared.
 */
async function matchesCheck(check: CheckOnFile, document: PresentedDocument): Promise<boolean> {
  if (check.document_type !== document.type) return false;
  const comparable = comparableDocumentNumber(document.number);
  if (check.document_number_hash) return verifySecret(check.document_number_hash, comparable);
  return (
    comparableDocumentNumber(check.document_number_masked) ===
    comparableDocumentNumber(maskDocumentNumber(normaliseDocumentNumber(document.number)))
  );
}

/** The document's type and number as the form must give them (which document: see below). */
export function presentedDocumentErrors(document: PresentedDocument): FormError[] {
  const errors: FormError[] = [];
  if (!(DOCUMENT_TYPES as readonly string[]).includes(document.type))
    errors.push({ field: 'contactDocumentType', key: 'staff.counter.errors.documentType' });
  if (!/^[A-ZΑ-Ω0-9-]{4,20}$/.test(normaliseDocumentNumber(document.number)))
    errors.push({ field: 'contactDocumentNumber', key: 'staff.counter.errors.documentNumber' });
  return errors;
}

/**
 * The clerk corrects a citizen's phone or email (no confirmation link: the citizen is at the
 * counter). Whoever holds the email holds the account (a password reset goes there), so a
 * correction needs the identity document seen now, for a verified citizen the one of the check
 * on file; it is audited with the document (masked), and the old address is told.
 */
export async function correctContact(
  deps: Pick<Deps, 'db' | 'mailer'>,
  user: UserRow,
  change: { phone?: string; email?: string },
  document: PresentedDocument,
  clerkId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const documentErrors = await checkDocument(deps, user, document);
  if (documentErrors.length) return documentErrors;
  const { db } = deps;
  const id = user.id;
  const { phone, email } = realChanges(user, change);
  if (phone && (await phoneTakenByActive(db, phone, id)))
    return [{ field: 'phone', key: 'accounts.errors.phoneTaken' }];
  if (email && (await emailTaken(db, email, id)))
    return [{ field: 'email', key: 'accounts.errors.emailTaken' }];
  if (!phone && !email) return [];
  return applyCorrection(deps, user, { phone, email }, document, clerkId, context);
}

/**
 * The changes, their audit entries (with the document, masked) and the message to the old address,
 * in one transaction; a number or address taken meanwhile is reported on its field.
 */
async function applyCorrection(
  deps: Pick<Deps, 'db' | 'mailer'>,
  user: UserRow,
  { phone, email }: { phone?: string; email?: string },
  document: PresentedDocument,
  clerkId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const id = user.id;
  const shown = {
    documentType: document.type,
    documentNumber: maskDocumentNumber(normaliseDocumentNumber(document.number)),
    ...(user.identity_verified_at ? { documentMatchesCheck: true } : { citizenVerified: false }),
  };
  try {
    await deps.db.transaction(async (trx) => {
      const audit = (action: string, details: Record<string, unknown>) =>
        recordAudit(
          trx,
          { action, userId: id, actorId: clerkId, details: { ...details, ...shown } },
          context,
        );
      if (phone) {
        await updateUser(trx, id, { phone_e164: phone });
        await audit('citizen.phone_corrected', { from: user.phone_e164, to: phone });
      }
      if (email) {
        await updateUser(trx, id, { email });
        await audit('citizen.email_corrected', { from: user.email, to: email });
      }
      // `user` is the account as it was: the message goes to the address it had.
      await tellOldAddress(deps, user, { email: Boolean(email), phone: Boolean(phone) }, trx);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_active_phone_key'))
      return [{ field: 'phone', key: 'accounts.errors.phoneTaken' }];
    if (isUniqueViolation(error, 'users_email_key'))
      return [{ field: 'email', key: 'accounts.errors.emailTaken' }];
    throw error;
  }
  return [];
}

/** What the correction would change: a phone or an email the account has now is no change. */
function realChanges(user: UserRow, change: { phone?: string; email?: string }) {
  const phone = change.phone && change.phone !== user.phone_e164 ? change.phone : undefined;
  const email =
    change.email && change.email.toLowerCase() !== user.email.toLowerCase()
      ? change.email
      : undefined;
  return { phone, email };
}

/** For a verified citizen, the presented document must be the one of the check on file. */
async function checkDocument(
  deps: Pick<Deps, 'db'>,
  user: UserRow,
  document: PresentedDocument,
): Promise<FormError[]> {
  const errors = presentedDocumentErrors(document);
  if (errors.length || !user.identity_verified_at) return errors;
  const check = await currentCheckOf(deps.db, user.id);
  if (check && (await matchesCheck(check, document))) return [];
  return [{ field: 'contactDocumentNumber', key: 'staff.counter.errors.documentMismatch' }];
}

async function tellOldAddress(
  deps: Pick<Deps, 'mailer'>,
  user: UserRow,
  changed: { email: boolean; phone: boolean },
  conn: Conn,
): Promise<void> {
  await deps.mailer.send(
    'contact-corrected',
    user,
    {
      fullName: user.full_name,
      what: changed.email && changed.phone ? 'both' : changed.email ? 'email' : 'phone',
    },
    conn,
  );
}

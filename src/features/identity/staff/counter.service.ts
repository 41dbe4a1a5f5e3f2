import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import {
  comparableDocumentNumber,
  isValidAfm,
  maskDocumentNumber,
  normaliseDocumentNumber,
} from '../../../lib/afm.ts';
import { hashSecret } from '../../../lib/passwords.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { AccountsService } from '../../accounts/accounts.service.ts';
import { findUserById, updateUser } from '../../accounts/users.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';

export const DOCUMENT_TYPES = ['identity_card', 'passport', 'residence_permit'] as const;

export interface IdentityCheckInput {
  documentType: string;
  documentNumber: string;
  afm: string;
  present: string;
}

/** The clerk's counter: the in-person identity check that opens tax and certificates, and its revocation. */
export function createCounterService(deps: Deps, accounts: AccountsService) {
  const { db } = deps;

  const citizen = async (id: number) => {
    const user = await findUserById(db, id);
    if (!user || user.roles.length) throw new NotFoundError();
    return user;
  };

  const notify = async (
    userId: number,
    what: 'identityVerified' | 'identityRevoked',
    conn: Conn,
    reason?: string,
  ) => {
    const user = await findUserById(conn, userId);
    if (!user) return;
    await deps.mailer.send(
      'identity-notice',
      user,
      { fullName: user.full_name, what, reason: reason ?? '' },
      conn,
    );
  };

  return {
    citizen,

    async verify(
      id: number,
      input: IdentityCheckInput,
      clerkId: number,
      context: AuditContext,
    ): Promise<FormError[]> {
      const errors: FormError[] = [];
      const documentNumber = normaliseDocumentNumber(input.documentNumber);
      const afm = input.afm.trim();
      if (!(DOCUMENT_TYPES as readonly string[]).includes(input.documentType))
        errors.push({ field: 'documentType', key: 'staff.counter.errors.documentType' });
      if (!/^[A-ZΑ-Ω0-9-]{4,20}$/.test(documentNumber))
        errors.push({ field: 'documentNumber', key: 'staff.counter.errors.documentNumber' });
      if (!isValidAfm(afm)) errors.push({ field: 'afm', key: 'staff.counter.errors.afm' });
      if (input.present !== 'yes')
        errors.push({ field: 'present', key: 'staff.counter.errors.present' });
      if (errors.length) return errors;
      try {
        return await db.transaction(async (trx) => {
          const user = (await trx('users').where({ id }).forUpdate().first()) as
            | { id: number; roles: string[]; status: string; identity_verified_at: Date | null }
            | undefined;
          if (!user || user.roles.length) throw new NotFoundError();
          if (user.status !== 'active')
            return [{ field: 'documentType', key: 'staff.counter.errors.notActive' }];
          if (user.identity_verified_at)
            return [{ field: 'documentType', key: 'staff.counter.errors.alreadyVerified' }];
          await updateUser(trx, id, { identity_verified_at: deps.clock.now(), afm });
          const masked = maskDocumentNumber(documentNumber);
          await trx('identity_checks').insert({
            user_id: id,
            clerk_id: clerkId,
            document_type: input.documentType,
            document_number_masked: masked,
            // A later correction of contact details is checked against it (contact-correction.ts).
            document_number_hash: await hashSecret(comparableDocumentNumber(documentNumber)),
            afm,
          });
          await recordAudit(
            trx,
            {
              action: 'identity.verified',
              userId: id,
              actorId: clerkId,
              details: { documentType: input.documentType, documentNumber: masked, afm },
            },
            context,
          );
          await notify(id, 'identityVerified', trx);
          return [];
        });
      } catch (error) {
        if (isUniqueViolation(error, 'users_verified_afm_key'))
          return [{ field: 'afm', key: 'staff.counter.errors.afmTaken' }];
        throw error;
      }
    },

    async revoke(
      id: number,
      reason: string,
      clerkId: number,
      context: AuditContext,
    ): Promise<FormError[]> {
      const text = reason.trim();
      if (text.length < 5 || text.length > 500)
        return [{ field: 'reason', key: 'staff.counter.errors.reason' }];
      await db.transaction(async (trx) => {
        const user = await citizen(id);
        if (!user.identity_verified_at) return;
        await updateUser(trx, id, { identity_verified_at: null });
        await trx('identity_checks')
          .where({ user_id: id })
          .whereNull('revoked_at')
          .update({ revoked_at: trx.fn.now(), revoked_by: clerkId, revoke_reason: text });
        await recordAudit(
          trx,
          { action: 'identity.revoked', userId: id, actorId: clerkId, details: { reason: text } },
          context,
        );
        await notify(id, 'identityRevoked', trx, text);
      });
      return [];
    },

    async resendActivation(id: number, clerkId: number, context: AuditContext): Promise<boolean> {
      const user = await citizen(id);
      if (user.status !== 'pending') return false;
      await accounts.resendActivationByClerk(user, clerkId, context);
      return true;
    },
  };
}

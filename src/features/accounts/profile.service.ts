import type { Deps } from '../../deps.ts';
import { hashSecret, passwordProblem, verifySecret } from '../../lib/passwords.ts';
import { newPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { renderEmail } from '../mail/emails.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { FieldError } from './accounts.schemas.ts';
import { EMAIL_CHANGE_TTL_MS, type AccountsService } from './accounts.service.ts';
import { findToken, issueToken, markTokenUsed, type TokenState } from './tokens.repository.ts';
import {
  deleteSessionsOf,
  emailTaken,
  isUniqueViolation,
  phoneTakenByActive,
  updateUser,
  type UserRow,
} from './users.repository.ts';

/** What a signed-in citizen changes on the account page. */
export function createProfileService(deps: Deps & { mail: MailQueue }, accounts: AccountsService) {
  const { db, clock, config } = deps;

  return {
    /** A new IVR PIN: returned once to show on the page, emailed, stored only as a hash. */
    async newPin(user: UserRow, context: AuditContext): Promise<string> {
      const pin = newPin();
      const hash = await hashSecret(pin);
      await db.transaction(async (trx) => {
        await updateUser(trx, user.id, { ivr_pin_hash: hash });
        await deps.mail.enqueue(
          await renderEmail('new-pin', user.email, accounts.emailContext(user.lang), {
            fullName: user.full_name,
            pin,
          }),
          trx,
        );
        await recordAudit(trx, { action: 'account.pin_changed', userId: user.id }, context);
      });
      return pin;
    },

    async changePhone(user: UserRow, phone: string, context: AuditContext): Promise<FieldError[]> {
      if (phone === user.phone_e164) return [];
      if (await phoneTakenByActive(db, phone, user.id))
        return [{ field: 'phone', key: 'accounts.errors.phoneTaken' }];
      try {
        await db.transaction(async (trx) => {
          await updateUser(trx, user.id, { phone_e164: phone });
          await recordAudit(
            trx,
            {
              action: 'account.phone_changed',
              userId: user.id,
              details: { from: user.phone_e164, to: phone },
            },
            context,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error, 'users_active_phone_key'))
          return [{ field: 'phone', key: 'accounts.errors.phoneTaken' }];
        throw error;
      }
      return [];
    },

    /** Sends a confirmation link to the new address; the change happens when it is followed. */
    async requestEmailChange(
      user: UserRow,
      email: string,
      context: AuditContext,
    ): Promise<FieldError[]> {
      if (email.toLowerCase() === user.email.toLowerCase())
        return [{ field: 'email', key: 'accounts.errors.emailSame' }];
      if (await emailTaken(db, email, user.id))
        return [{ field: 'email', key: 'accounts.errors.emailTaken' }];
      await db.transaction(async (trx) => {
        const token = await issueToken(trx, {
          userId: user.id,
          purpose: 'email_change',
          expiresAt: accounts.inFuture(EMAIL_CHANGE_TTL_MS),
          data: { email },
        });
        await deps.mail.enqueue(
          await renderEmail('email-change', email, accounts.emailContext(user.lang), {
            fullName: user.full_name,
            link: `${config.baseUrl}/account/email/${token}`,
          }),
          trx,
        );
        await recordAudit(
          trx,
          { action: 'account.email_change_requested', userId: user.id },
          context,
        );
      });
      return [];
    },

    checkEmailChange(token: string): Promise<TokenState> {
      return findToken(db, token, 'email_change', clock.now());
    },

    async confirmEmailChange(
      token: string,
      context: AuditContext,
    ): Promise<'changed' | 'invalid' | 'taken'> {
      try {
        return await db.transaction(async (trx) => {
          const found = await findToken(trx, token, 'email_change', clock.now(), true);
          if (found.state !== 'valid') return 'invalid';
          const email = String(found.token.data.email);
          const user = await accounts.findUser(found.token.user_id);
          if (!user) return 'invalid';
          await markTokenUsed(trx, found.token.id);
          await updateUser(trx, user.id, { email });
          await recordAudit(trx, { action: 'account.email_changed', userId: user.id }, context);
          // The old address hears about it too, in case it was not the owner's doing.
          await deps.mail.enqueue(
            await renderEmail('security-notice', user.email, accounts.emailContext(user.lang), {
              fullName: user.full_name,
              what: 'emailChanged',
            }),
            trx,
          );
          return 'changed';
        });
      } catch (error) {
        if (isUniqueViolation(error, 'users_email_key')) return 'taken';
        throw error;
      }
    },

    async changePassword(
      user: UserRow,
      current: string,
      password: string,
      confirm: string,
      sid: string,
      context: AuditContext,
    ): Promise<FieldError[]> {
      if (!(await verifySecret(user.password_hash, current)))
        return [{ field: 'currentPassword', key: 'accounts.errors.currentPasswordWrong' }];
      const problem = passwordProblem(password, user.username, user.roles.length ? 14 : undefined);
      if (problem) return [{ field: 'password', key: `accounts.errors.password.${problem}` }];
      if (password !== confirm)
        return [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }];
      const hash = await hashSecret(password);
      await db.transaction(async (trx) => {
        await updateUser(trx, user.id, { password_hash: hash });
        await deleteSessionsOf(trx, user.id, sid);
        await recordAudit(trx, { action: 'account.password_changed', userId: user.id }, context);
        await deps.mail.enqueue(
          await renderEmail('security-notice', user.email, accounts.emailContext(user.lang), {
            fullName: user.full_name,
            what: 'passwordChanged',
          }),
          trx,
        );
      });
      return [];
    },
  };
}

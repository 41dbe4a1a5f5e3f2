import type { Deps } from '../../deps.ts';
import { hashSecret, passwordProblem, verifySecret } from '../../lib/passwords.ts';
import { newPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { FieldError } from './accounts.schemas.ts';
import { EMAIL_CHANGE_TTL_MS, type AccountsService } from './accounts.service.ts';
import { mayMailAccount } from './account-mail-limit.ts';
import { findToken, issueToken, markTokenUsed, type TokenState } from './tokens.repository.ts';
import {
  deleteSessionsOf,
  emailTaken,
  phoneTakenByActive,
  updateUser,
  type UserRow,
} from './users.repository.ts';
import { isUniqueViolation } from '../../db/constraints.ts';

/** What a signed-in citizen changes on the account page. */
export function createProfileService(deps: Deps & { mail: MailQueue }, accounts: AccountsService) {
  const { db, clock, config } = deps;

  return {
    /**
     * A new IVR PIN: returned once to show on the page, emailed, stored only as a hash. Refused
     * past 5 account mails in the hour (see account-mail-limit.ts).
     */
    async newPin(
      user: UserRow,
      context: AuditContext,
    ): Promise<{ pin: string } | { errors: FieldError[] }> {
      const pin = newPin();
      const hash = await hashSecret(pin);
      const sent = await db.transaction(async (trx) => {
        if (!(await mayMailAccount(trx, user.id))) return false;
        await updateUser(trx, user.id, { ivr_pin_hash: hash });
        await deps.mailer.send(
          'new-pin',
          user,
          {
            fullName: user.full_name,
            pin,
          },
          trx,
        );
        await recordAudit(trx, { action: 'account.pin_changed', userId: user.id }, context);
        return true;
      });
      return sent
        ? { pin }
        : { errors: [{ field: 'pin', key: 'accounts.errors.accountMailLimit' }] };
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
      // The mail limit comes first, so the "taken" answer is as limited as the mail.
      const outcome = await db.transaction(async (trx) => {
        if (!(await mayMailAccount(trx, user.id))) return 'accountMailLimit';
        if (await emailTaken(trx, email, user.id)) {
          // Counted like a change asked for: the account page cannot be used to probe addresses.
          await recordAudit(
            trx,
            { action: 'account.email_change_refused', userId: user.id },
            context,
          );
          return 'emailTaken';
        }
        const token = await issueToken(trx, {
          userId: user.id,
          purpose: 'email_change',
          expiresAt: accounts.inFuture(EMAIL_CHANGE_TTL_MS),
          data: { email },
        });
        await deps.mailer.send(
          'email-change',
          { email, lang: user.lang },
          { fullName: user.full_name, link: `${config.baseUrl}/account/email/${token}` },
          trx,
          { priority: 'link', link: { token, ttlMs: EMAIL_CHANGE_TTL_MS } },
        );
        await recordAudit(
          trx,
          { action: 'account.email_change_requested', userId: user.id },
          context,
        );
        return 'sent';
      });
      return outcome === 'sent' ? [] : [{ field: 'email', key: `accounts.errors.${outcome}` }];
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
          await deps.mailer.send(
            'security-notice',
            user,
            {
              fullName: user.full_name,
              what: 'emailChanged',
            },
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
    ): Promise<{ errors: FieldError[]; credentialVersion?: number }> {
      const refuse = (field: string, key: string) => ({ errors: [{ field, key }] });
      if (!(await verifySecret(user.password_hash, current)))
        return refuse('currentPassword', 'accounts.errors.currentPasswordWrong');
      const problem = passwordProblem(password, user.username, user.roles.length ? 14 : undefined);
      if (problem) return refuse('password', `accounts.errors.password.${problem}`);
      if (password !== confirm)
        return refuse('passwordConfirm', 'accounts.errors.passwordMismatch');
      const hash = await hashSecret(password);
      const credentialVersion = await db.transaction(async (trx) => {
        // The database bumps the credential version (every other session is refused from now
        // on) and ends unused reset links; the rows of the other sessions go at once.
        await updateUser(trx, user.id, { password_hash: hash });
        await deleteSessionsOf(trx, user.id, sid);
        await recordAudit(trx, { action: 'account.password_changed', userId: user.id }, context);
        await deps.mailer.send(
          'security-notice',
          user,
          {
            fullName: user.full_name,
            what: 'passwordChanged',
          },
          trx,
        );
        const row = (await trx('users').where({ id: user.id }).first('credential_version')) as {
          credential_version: number;
        };
        return row.credential_version;
      });
      deps.userCache.invalidate(String(user.id));
      return { errors: [], credentialVersion };
    },
  };
}

import type { Deps } from '../../deps.ts';
import { isUniqueViolation } from '../../db/constraints.ts';
import { LinkInvalidError } from '../../lib/errors.ts';
import { checkLink, consumeLink, issueLink } from '../../lib/one-time-links.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { FieldError } from './accounts.schemas.ts';
import { EMAIL_CHANGE_TTL_MS, inFuture, LINK } from './account-links.ts';
import { mayMailAccount } from './account-mail-limit.ts';
import { emailTaken, findUserById, updateUser, type UserRow } from './users.repository.ts';

/**
 * Sends a confirmation link to the new address; the change happens when it is followed. Refused
 * past 5 account mails in the hour (see account-mail-limit.ts).
 */
export async function requestEmailChange(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  user: UserRow,
  email: string,
  context: AuditContext,
): Promise<FieldError[]> {
  if (email.toLowerCase() === user.email.toLowerCase())
    return [{ field: 'email', key: 'accounts.errors.emailSame' }];
  // The mail limit comes first, so the "taken" answer is as limited as the mail.
  const outcome = await deps.db.transaction(async (trx) => {
    if (!(await mayMailAccount(trx, user.id))) return 'accountMailLimit';
    if (await emailTaken(trx, email, user.id)) {
      // Counted like a change asked for: the account page cannot be used to probe addresses.
      await recordAudit(trx, { action: 'account.email_change_refused', userId: user.id }, context);
      return 'emailTaken';
    }
    const token = await issueLink(trx, {
      userId: user.id,
      purpose: LINK.emailChange,
      expiresAt: inFuture(deps.clock, EMAIL_CHANGE_TTL_MS),
      data: { email },
    });
    await deps.mailer.send(
      'email-change',
      { email, lang: user.lang },
      { fullName: user.full_name, link: `${deps.config.baseUrl}/account/email/${token}` },
      trx,
      { priority: 'link', link: { token, ttlMs: EMAIL_CHANGE_TTL_MS } },
    );
    await recordAudit(trx, { action: 'account.email_change_requested', userId: user.id }, context);
    return 'sent';
  });
  return outcome === 'sent' ? [] : [{ field: 'email', key: `accounts.errors.${outcome}` }];
}

/** The new address a confirmation link is for; throws LinkInvalidError if it cannot be used. */
export async function checkEmailChange(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<string> {
  const link = await checkLink(deps.db, token, emailChangeLookup(deps));
  return String(link.data.email);
}

/** Follows the link (once): the account's address changes, and the old one is told. */
export async function confirmEmailChange(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer'>,
  token: string,
  context: AuditContext,
): Promise<'changed' | 'taken'> {
  try {
    return await deps.db.transaction(async (trx) => {
      const link = await consumeLink(trx, token, emailChangeLookup(deps));
      const user = await findUserById(trx, link.user_id!);
      if (!user) throw new LinkInvalidError('unknown');
      await updateUser(trx, user.id, { email: String(link.data.email) });
      await recordAudit(trx, { action: 'account.email_changed', userId: user.id }, context);
      // The old address hears about it too, in case it was not the owner's doing.
      await deps.mailer.send(
        'security-notice',
        user,
        { fullName: user.full_name, what: 'emailChanged' },
        trx,
      );
      return 'changed' as const;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) return 'taken';
    throw error;
  }
}

const emailChangeLookup = (deps: Pick<Deps, 'clock'>) => ({
  purpose: LINK.emailChange,
  now: deps.clock.now(),
});

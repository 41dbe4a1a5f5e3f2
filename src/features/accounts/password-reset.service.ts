import type { Deps } from '../../deps.ts';
import { LinkInvalidError, RateLimitedError } from '../../lib/errors.ts';
import { checkLink, consumeLink, issueLink } from '../../lib/one-time-links.ts';
import { hashSecret, passwordProblem } from '../../lib/passwords.ts';
import { clearFailures, hitRateLimit, RATE_LIMITS } from '../../lib/rate-limit.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { FieldError } from './accounts.schemas.ts';
import { inFuture, LINK, NEW_RESET_LINK, RESET_TTL_MS } from './account-links.ts';
import { queueAccountMailRequest } from './queue-account-mail.ts';
import { signInKeys } from './sign-in.service.ts';
import {
  deleteSessionsOf,
  findUserByEmail,
  findUserById,
  updateUser,
  type UserRow,
} from './users.repository.ts';

/** Asks for a reset link; like resendActivation, only queues the request (the worker calls sendPasswordReset). */
export async function requestPasswordReset(
  deps: Pick<Deps, 'db' | 'clock' | 'boss'>,
  email: string,
  context: AuditContext,
): Promise<void> {
  if (!(await hitRateLimit(deps.db, deps.clock, RATE_LIMITS.resetPerIp, context.ip ?? 'unknown')))
    throw new RateLimitedError();
  await queueAccountMailRequest(deps, { kind: 'password-reset', email, context });
}

/** A reset link for an active account, if the address has one. */
export async function sendPasswordReset(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'mailer'>,
  email: string,
  context: AuditContext,
): Promise<void> {
  const { db, clock } = deps;
  const user = await findUserByEmail(db, email);
  // An account that signs in only with TaxisNet has no password to reset (it can set one on
  // its account page once signed in).
  if (!user || user.status !== 'active' || !user.password_hash) return;
  if (!(await hitRateLimit(db, clock, RATE_LIMITS.resetPerAccount, String(user.id)))) return;
  await db.transaction(async (trx) => {
    const token = await issueLink(trx, {
      userId: user.id,
      purpose: LINK.passwordReset,
      expiresAt: inFuture(clock, RESET_TTL_MS),
    });
    await deps.mailer.send(
      'password-reset',
      user,
      { fullName: user.full_name, link: `${deps.config.baseUrl}/password-reset/${token}` },
      trx,
      { priority: 'link', link: { token, ttlMs: RESET_TTL_MS } },
    );
    await recordAudit(
      trx,
      { action: 'account.password_reset_requested', userId: user.id },
      context,
    );
  });
}

/** The account a reset link is for; throws LinkInvalidError for a link that cannot be used. */
export async function checkPasswordReset(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<UserRow> {
  const link = await checkLink(deps.db, token, resetLookup(deps));
  const user = await findUserById(deps.db, link.user_id!);
  if (!user) throw new LinkInvalidError('unknown', NEW_RESET_LINK);
  return user;
}

/**
 * Sets a new password from a reset link and ends every session of the account. The password's
 * problems are returned; a link that cannot be used throws LinkInvalidError.
 */
export async function resetPassword(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer' | 'userCache'>,
  token: string,
  password: string,
  confirm: string,
  context: AuditContext,
): Promise<{ errors: FieldError[] }> {
  const user = await checkPasswordReset(deps, token);
  const problem = passwordProblem(password, user.username, user.roles.length ? 14 : undefined);
  if (problem)
    return { errors: [{ field: 'password', key: `accounts.errors.password.${problem}` }] };
  if (password !== confirm)
    return { errors: [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }] };
  const hash = await hashSecret(password);
  await deps.db.transaction(async (trx) => {
    await consumeLink(trx, token, resetLookup(deps));
    // The database also bumps the credential version (a session saved back by a request in
    // flight is still refused) and ends any other unused reset link.
    await updateUser(trx, user.id, { password_hash: hash });
    // A new password also lifts the lock on the account and on both of its names.
    await clearFailures(
      trx,
      signInKeys(user.username ?? user.email, user).concat(signInKeys(user.email)),
    );
    await deleteSessionsOf(trx, user.id);
    await recordAudit(trx, { action: 'account.password_reset', userId: user.id }, context);
    await deps.mailer.send(
      'security-notice',
      user,
      { fullName: user.full_name, what: 'passwordChanged' },
      trx,
    );
  });
  // The new credential version (bumped by the database) counts in this process at once.
  deps.userCache.invalidate(String(user.id));
  return { errors: [] };
}

const resetLookup = (deps: Pick<Deps, 'clock'>) => ({
  purpose: LINK.passwordReset,
  now: deps.clock.now(),
  next: NEW_RESET_LINK,
});

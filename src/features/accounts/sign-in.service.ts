import type { Deps } from '../../deps.ts';
import { dummyPasswordHash, verifySecret } from '../../lib/passwords.ts';
import {
  clearFailures,
  hitRateLimit,
  lockedUntil,
  RATE_LIMITS,
  recordFailure,
  SIGN_IN_LOCK,
  refundRateLimit,
} from '../../lib/rate-limit.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { findUserByLogin, normaliseLogin, type UserRow } from './users.repository.ts';

export type SignInResult =
  | { outcome: 'ok'; user: UserRow }
  | { outcome: 'pending'; user: UserRow }
  | { outcome: 'failed' }
  | { outcome: 'locked'; until: Date }
  | { outcome: 'throttled' };

/** The sign-in lock's keys: the submitted name, trimmed and case-folded, and the account it found. */
export function signInKeys(login: string, user?: UserRow): string[] {
  const name = `name:${normaliseLogin(login)}`;
  return user ? [name, `account:${user.id}`] : [name];
}

/**
 * Checks a sign-in. Failures are counted per submitted name (whether or not an account has it)
 * and per account; past the limit both lock for a growing time, and the answer (the same for
 * a name nobody has) says until when. Nothing in any answer says whether the account exists.
 */
export async function signIn(
  deps: Pick<Deps, 'db' | 'clock'>,
  login: string,
  password: string,
  context: AuditContext,
): Promise<SignInResult> {
  const { db, clock } = deps;
  // Failed sign-ins from one address are limited: each attempt counts at once (so attempts sent
  // in parallel cannot slip past the limit) and a successful one is given back below, so an
  // office where many people sign in from one address is not locked out.
  const address = context.ip ?? 'unknown';
  if (!(await hitRateLimit(db, clock, RATE_LIMITS.loginPerIp, address)))
    return { outcome: 'throttled' };
  const user = await findUserByLogin(db, login);
  const keys = signInKeys(login, user);
  // The password is checked (against a stand-in hash when there is no account) before the
  // lock, so a locked account, a wrong password and a name nobody has take the same time.
  const passwordRight = await verifySecret(
    user?.password_hash ?? (await dummyPasswordHash()),
    password,
  );
  const lockedAt = await lockedUntil(db, clock, keys);
  const failed = !user || !passwordRight || user.status === 'disabled';
  // Recorded alike while locked (it then neither counts nor lengthens the lock): the same
  // statements, the same time.
  const until = failed ? await recordFailure(db, clock, SIGN_IN_LOCK, keys) : undefined;
  if (!failed && !lockedAt) await refundRateLimit(db, clock, RATE_LIMITS.loginPerIp, address);
  if (lockedAt) {
    await recordAudit(
      db,
      { action: 'auth.failed', userId: user?.id, details: { reason: 'locked' } },
      context,
    );
    return { outcome: 'locked', until: lockedAt };
  }
  if (failed) return refuse(deps, user, until, context);
  await clearFailures(db, keys);
  if (user.status === 'pending') return { outcome: 'pending', user };
  await recordAudit(db, { action: 'auth.signed_in', userId: user.id }, context);
  return { outcome: 'ok', user };
}

/** Sign-out is recorded (the session itself is ended by the router). */
export async function signOut(
  deps: Pick<Deps, 'db'>,
  userId: number,
  context: AuditContext,
): Promise<void> {
  await recordAudit(deps.db, { action: 'auth.signed_out', userId }, context);
}

/** A failed sign-in: audited, and locked if this failure reached the limit. */
async function refuse(
  deps: Pick<Deps, 'db'>,
  user: UserRow | undefined,
  until: Date | undefined,
  context: AuditContext,
): Promise<SignInResult> {
  const reason = !user ? 'unknown' : user.status === 'disabled' ? 'disabled' : 'password';
  await recordAudit(
    deps.db,
    { action: 'auth.failed', userId: user?.id, details: { reason } },
    context,
  );
  if (until && user)
    await recordAudit(
      deps.db,
      { action: 'auth.locked', userId: user.id, details: { until } },
      context,
    );
  return until ? { outcome: 'locked', until } : { outcome: 'failed' };
}

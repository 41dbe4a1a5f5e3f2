import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import type { Lang } from '../../lib/localized.ts';
import {
  dummyPasswordHash,
  hashSecret,
  passwordProblem,
  verifySecret,
} from '../../lib/passwords.ts';
import {
  clearFailures,
  hitRateLimit,
  lockedUntil,
  RATE_LIMITS,
  recordFailure,
  SIGN_IN_LOCK,
} from '../../lib/rate-limit.ts';
import { newPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE, type MailQueue } from '../mail/mail-queue.ts';
import type { FieldError, RegistrationInput } from './accounts.schemas.ts';
import { readSetting } from '../settings/settings.ts';
import { findToken, issueToken, markTokenUsed, type TokenState } from './tokens.repository.ts';
import {
  deleteSessionsOf,
  findUserByEmail,
  findUserById,
  findUserByLogin,
  insertUser,
  normaliseLogin,
  phoneTakenByActive,
  updateUser,
  usernameTaken,
  type UserRow,
} from './users.repository.ts';
import { isUniqueViolation } from '../../db/constraints.ts';

const HOUR = 3600 * 1000;
export const ACTIVATION_TTL_MS = 48 * HOUR;
export const RESET_TTL_MS = HOUR;
export const EMAIL_CHANGE_TTL_MS = 48 * HOUR;
const DAY = 24 * HOUR;

/** Queued by a resend or reset request, and handled by the worker (account-mail-requests.ts). */
export interface AccountMailRequest {
  kind: 'activation' | 'password-reset';
  email: string;
  context: AuditContext;
}

/** The sign-in lock's keys: the submitted name, trimmed and case-folded, and the account it found. */
function signInKeys(login: string, user?: UserRow): string[] {
  const name = `name:${normaliseLogin(login)}`;
  return user ? [name, `account:${user.id}`] : [name];
}

export type SignInResult =
  | { outcome: 'ok'; user: UserRow }
  | { outcome: 'pending'; user: UserRow }
  | { outcome: 'failed' }
  | { outcome: 'locked'; until: Date }
  | { outcome: 'throttled' };

export class RateLimitedError extends Error {}

export function createAccountsService(deps: Deps & { mail: MailQueue }) {
  const { db, clock, config } = deps;

  const inFuture = (ms: number) => new Date(clock.now().getTime() + ms);
  const queueAccountMailRequest = async (request: AccountMailRequest) => {
    await deps.boss.send(ACCOUNT_MAIL_REQUESTS_QUEUE, request);
  };

  async function sendActivation(user: UserRow, conn: Conn): Promise<void> {
    const pin = newPin();
    await updateUser(conn, user.id, { ivr_pin_hash: await hashSecret(pin) });
    const token = await issueToken(conn, {
      userId: user.id,
      purpose: 'activation',
      expiresAt: inFuture(ACTIVATION_TTL_MS),
    });
    // For whoever owns the address and did not register: delete the account (pending-accounts.ts).
    const pendingDays = await readSetting(deps, 'accounts.pendingAccountDays');
    const cancelToken = await issueToken(conn, {
      userId: user.id,
      purpose: 'registration_cancel',
      expiresAt: inFuture(pendingDays * DAY),
    });
    await deps.mailer.send(
      'activation',
      user,
      {
        fullName: user.full_name,
        username: user.username,
        pin,
        link: `${config.baseUrl}/activate/${token}`,
        cancelLink: `${config.baseUrl}/register/cancel/${cancelToken}`,
        pendingDays,
      },
      conn,
      { priority: 'link', link: { token, ttlMs: ACTIVATION_TTL_MS } },
    );
  }

  /**
   * Someone registered with the address of an existing account: nothing is created, the answer is
   * the one a new address gets, and the owner is told (at most 3 times an hour).
   */
  async function tellOwnerOfAttempt(owner: UserRow, context: AuditContext): Promise<void> {
    if (!(await hitRateLimit(db, clock, RATE_LIMITS.registerNoticePerAccount, String(owner.id))))
      return;
    await db.transaction(async (trx) => {
      await deps.mailer.send(
        'registration-attempt',
        owner,
        {
          fullName: owner.full_name,
          username: owner.username,
          pending: owner.status === 'pending',
        },
        trx,
      );
      await recordAudit(
        trx,
        { action: 'account.registration_attempted', userId: owner.id },
        context,
      );
    });
  }

  return {
    /** Registers a pending account and queues its activation email, all in one transaction. */
    async register(
      input: RegistrationInput,
      lang: Lang,
      context: AuditContext,
    ): Promise<{ errors: FieldError[] }> {
      // Counted before anything is looked up: the answers below say whether a username or phone
      // is taken (a registration form must), so one address gets only so many of them.
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.registerPerIp, context.ip ?? 'unknown')))
        throw new RateLimitedError();
      const errors: FieldError[] = registrationPasswordErrors(input);
      if (await usernameTaken(db, input.username))
        errors.push({ field: 'username', key: 'accounts.errors.usernameTaken' });
      if (await phoneTakenByActive(db, input.phone))
        errors.push({ field: 'phone', key: 'accounts.errors.phoneTaken' });
      if (errors.length) return { errors };

      const passwordHash = await hashSecret(input.password);
      // An address that has an account gets the answer a new one gets (the owner hears of it),
      // after the same two argon2 hashes (password, PIN) a new account costs.
      const owner = await findUserByEmail(db, input.email);
      if (owner) {
        await hashSecret(newPin());
        await tellOwnerOfAttempt(owner, context);
        return { errors: [] };
      }
      try {
        await db.transaction(async (trx) => {
          const user = await insertUser(trx, {
            username: input.username,
            full_name: input.fullName,
            email: input.email,
            phone_e164: input.phone,
            password_hash: passwordHash,
            ivr_pin_hash: null,
            lang,
          });
          await sendActivation(user, trx);
          await recordAudit(trx, { action: 'account.registered', userId: user.id }, context);
        });
      } catch (error) {
        // Two registrations racing for the same name or email: the unique index decides.
        if (isUniqueViolation(error, 'users_username_key'))
          return { errors: [{ field: 'username', key: 'accounts.errors.usernameTaken' }] };
        // The address was registered a moment ago by the other request: its owner has the mail.
        if (isUniqueViolation(error, 'users_email_key')) return { errors: [] };
        throw error;
      }
      return { errors: [] };
    },

    checkActivation(token: string): Promise<TokenState> {
      return findToken(db, token, 'activation', clock.now());
    },

    /** Activates the account behind a valid token; the token works once. */
    async activate(
      token: string,
      context: AuditContext,
    ): Promise<'activated' | 'invalid' | 'phoneTaken'> {
      try {
        return await db.transaction(async (trx) => {
          const found = await findToken(trx, token, 'activation', clock.now(), true);
          if (found.state !== 'valid') return 'invalid';
          await markTokenUsed(trx, found.token.id);
          await updateUser(trx, found.token.user_id, {
            status: 'active',
            activated_at: clock.now(),
          });
          // An active account is no longer one the "this was not me" link can delete.
          await trx('user_tokens')
            .where({ user_id: found.token.user_id, purpose: 'registration_cancel' })
            .whereNull('used_at')
            .update({ used_at: trx.fn.now() });
          await recordAudit(
            trx,
            { action: 'account.activated', userId: found.token.user_id },
            context,
          );
          return 'activated';
        });
      } catch (error) {
        if (isUniqueViolation(error, 'users_active_phone_key')) return 'phoneTaken';
        throw error;
      }
    },

    /**
     * Asks for a new activation email. Only queues the request (the worker calls
     * sendActivationAgain), so the answer takes the same time whether or not the address has a
     * pending account, and says nothing about it.
     */
    async resendActivation(email: string, context: AuditContext): Promise<void> {
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.resendPerIp, context.ip ?? 'unknown')))
        throw new RateLimitedError();
      await queueAccountMailRequest({ kind: 'activation', email, context });
    },

    /** A new activation email (new link and PIN) for a pending account, if the address has one. */
    async sendActivationAgain(email: string, context: AuditContext): Promise<void> {
      const user = await findUserByEmail(db, email);
      if (!user || user.status !== 'pending') return;
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.resendPerAccount, String(user.id)))) return;
      await db.transaction(async (trx) => {
        await sendActivation(user, trx);
        await recordAudit(trx, { action: 'account.activation_resent', userId: user.id }, context);
      });
    },

    /**
     * Checks a sign-in. Failures are counted per submitted name (whether or not an account has it)
     * and per account; past the limit both lock for a growing time, and the answer (the same for
     * a name nobody has) says until when. Nothing in any answer says whether the account exists.
     */
    async signIn(login: string, password: string, context: AuditContext): Promise<SignInResult> {
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.loginPerIp, context.ip ?? 'unknown')))
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
      if (lockedAt) {
        await recordAudit(
          db,
          { action: 'auth.failed', userId: user?.id, details: { reason: 'locked' } },
          context,
        );
        return { outcome: 'locked', until: lockedAt };
      }
      if (failed) {
        const reason = !user ? 'unknown' : user.status === 'disabled' ? 'disabled' : 'password';
        await recordAudit(
          db,
          { action: 'auth.failed', userId: user?.id, details: { reason } },
          context,
        );
        if (until && user)
          await recordAudit(
            db,
            { action: 'auth.locked', userId: user.id, details: { until } },
            context,
          );
        return until ? { outcome: 'locked', until } : { outcome: 'failed' };
      }
      await clearFailures(db, keys);
      if (user.status === 'pending') return { outcome: 'pending', user };
      await recordAudit(db, { action: 'auth.signed_in', userId: user.id }, context);
      return { outcome: 'ok', user };
    },

    /** Asks for a reset link; like resendActivation, only queues the request (the worker calls sendPasswordReset). */
    async requestPasswordReset(email: string, context: AuditContext): Promise<void> {
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.resetPerIp, context.ip ?? 'unknown')))
        throw new RateLimitedError();
      await queueAccountMailRequest({ kind: 'password-reset', email, context });
    },

    /** A reset link for an active account, if the address has one. */
    async sendPasswordReset(email: string, context: AuditContext): Promise<void> {
      const user = await findUserByEmail(db, email);
      if (!user || user.status !== 'active') return;
      if (!(await hitRateLimit(db, clock, RATE_LIMITS.resetPerAccount, String(user.id)))) return;
      await db.transaction(async (trx) => {
        const token = await issueToken(trx, {
          userId: user.id,
          purpose: 'password_reset',
          expiresAt: inFuture(RESET_TTL_MS),
        });
        await deps.mailer.send(
          'password-reset',
          user,
          { fullName: user.full_name, link: `${config.baseUrl}/password-reset/${token}` },
          trx,
          { priority: 'link', link: { token, ttlMs: RESET_TTL_MS } },
        );
        await recordAudit(
          trx,
          { action: 'account.password_reset_requested', userId: user.id },
          context,
        );
      });
    },

    checkPasswordReset(token: string): Promise<TokenState> {
      return findToken(db, token, 'password_reset', clock.now());
    },

    /** Sets a new password from a reset link and ends every session of the account. */
    async resetPassword(
      token: string,
      password: string,
      confirm: string,
      context: AuditContext,
    ): Promise<{ errors: FieldError[]; invalid?: boolean }> {
      const state = await findToken(db, token, 'password_reset', clock.now());
      if (state.state !== 'valid') return { errors: [], invalid: true };
      const user = await findUserById(db, state.token.user_id);
      if (!user) return { errors: [], invalid: true };
      const problem = passwordProblem(password, user.username, user.roles.length ? 14 : undefined);
      if (problem)
        return { errors: [{ field: 'password', key: `accounts.errors.password.${problem}` }] };
      if (password !== confirm)
        return { errors: [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }] };
      const hash = await hashSecret(password);
      const done = await db.transaction(async (trx) => {
        const locked = await findToken(trx, token, 'password_reset', clock.now(), true);
        if (locked.state !== 'valid') return false;
        await markTokenUsed(trx, locked.token.id);
        // The database also bumps the credential version (a session saved back by a request in
        // flight is still refused) and ends any other unused reset link.
        await updateUser(trx, user.id, { password_hash: hash });
        // A new password also lifts the lock on the account and on both of its names.
        await clearFailures(trx, signInKeys(user.username, user).concat(signInKeys(user.email)));
        await deleteSessionsOf(trx, user.id);
        await recordAudit(trx, { action: 'account.password_reset', userId: user.id }, context);
        await deps.mailer.send(
          'security-notice',
          user,
          { fullName: user.full_name, what: 'passwordChanged' },
          trx,
        );
        return true;
      });
      // The new credential version (bumped by the database) counts in this process at once.
      if (done) deps.userCache.invalidate(String(user.id));
      return done ? { errors: [] } : { errors: [], invalid: true };
    },

    /** A clerk, after checking the citizen's identity, sends a new activation email (new link and PIN). */
    async resendActivationByClerk(
      user: UserRow,
      clerkId: number,
      context: AuditContext,
    ): Promise<void> {
      await db.transaction(async (trx) => {
        await sendActivation(user, trx);
        await recordAudit(
          trx,
          { action: 'citizen.activation_resent', userId: user.id, actorId: clerkId },
          context,
        );
      });
    },

    findUser: (id: number) => findUserById(db, id),
    inFuture,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/**
 * The password rules of the registration form, checked with the other fields (not after them),
 * so a citizen sees every problem at once.
 */
export function registrationPasswordErrors(input: {
  password: string;
  passwordConfirm: string;
  username: string;
}): FieldError[] {
  if (!input.password) return [];
  const problem = passwordProblem(input.password, input.username);
  if (problem) return [{ field: 'password', key: `accounts.errors.password.${problem}` }];
  if (input.password !== input.passwordConfirm)
    return [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }];
  return [];
}

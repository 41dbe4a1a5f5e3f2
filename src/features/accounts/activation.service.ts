import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import { isUniqueViolation } from '../../db/constraints.ts';
import { RateLimitedError } from '../../lib/errors.ts';
import { checkLink, consumeLink, issueLink, supersedeLinks } from '../../lib/one-time-links.ts';
import { hashSecret } from '../../lib/passwords.ts';
import { hitRateLimit, RATE_LIMITS } from '../../lib/rate-limit.ts';
import { newPin } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { readSetting } from '../settings/settings.ts';
import { ACTIVATION_TTL_MS, DAY_MS, inFuture, LINK, NEW_ACTIVATION_LINK } from './account-links.ts';
import { queueAccountMailRequest } from './queue-account-mail.ts';
import { findUserByEmail, updateUser, type UserRow } from './users.repository.ts';

export type ActivationMailDeps = Pick<
  Deps,
  'db' | 'clock' | 'config' | 'mailer' | 'modules' | 'contentCache'
>;

/**
 * The activation email, in the caller's transaction: a new PIN for the phone line (for an account
 * with a password), the link (for a TaxisNet account, to confirm the address), and
 * for whoever owns the address and did not register, a link that deletes the account
 * (pending-accounts.ts). Earlier links of both kinds stop working.
 */
export async function sendActivation(
  deps: ActivationMailDeps,
  user: UserRow,
  conn: Conn,
): Promise<void> {
  const { clock, config } = deps;
  // An account that signs in only with TaxisNet gets its PIN with a password (profile.setPassword).
  const pin = user.password_hash ? newPin() : undefined;
  if (pin) await updateUser(conn, user.id, { ivr_pin_hash: await hashSecret(pin) });
  const token = await issueLink(conn, {
    userId: user.id,
    purpose: LINK.activation,
    expiresAt: inFuture(clock, ACTIVATION_TTL_MS),
  });
  const pendingDays = await readSetting(deps, 'accounts.pendingAccountDays');
  const cancelToken = await issueLink(conn, {
    userId: user.id,
    purpose: LINK.registrationCancel,
    expiresAt: inFuture(clock, pendingDays * DAY_MS),
  });
  await deps.mailer.send(
    'activation',
    user,
    {
      fullName: user.full_name,
      username: user.username,
      pin,
      taxisnet: Boolean(user.taxisnet_afm),
      link: `${config.baseUrl}/activate/${token}`,
      cancelLink: `${config.baseUrl}/register/cancel/${cancelToken}`,
      pendingDays,
    },
    conn,
    { priority: 'link', link: { token, ttlMs: ACTIVATION_TTL_MS } },
  );
}

/** The page before the activate button: throws LinkInvalidError for a link that cannot be used. */
export async function checkActivation(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<void> {
  await checkLink(deps.db, token, activationLookup(deps));
}

/** Activates the account behind the link, which works once (else LinkInvalidError). */
export async function activate(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
  context: AuditContext,
): Promise<'activated' | 'activatedTaxisnet' | 'phoneTaken'> {
  const { db, clock } = deps;
  try {
    return await db.transaction(async (trx) => {
      const link = await consumeLink(trx, token, activationLookup(deps));
      const userId = link.user_id!;
      await updateUser(trx, userId, { status: 'active', activated_at: clock.now() });
      // An active account is no longer one the "this was not me" link can delete.
      await supersedeLinks(trx, userId, LINK.registrationCancel);
      await recordAudit(trx, { action: 'account.activated', userId }, context);
      // An account without a password signs in with TaxisNet: the page after says so.
      const { password_hash: password } = (await trx('users')
        .where({ id: userId })
        .first('password_hash')) as { password_hash: string | null };
      return password ? ('activated' as const) : ('activatedTaxisnet' as const);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_active_phone_key')) return 'phoneTaken';
    throw error;
  }
}

/**
 * Asks for a new activation email. Only queues the request (the worker calls
 * sendActivationAgain), so the answer takes the same time whether or not the address has a
 * pending account, and says nothing about it.
 */
export async function resendActivation(
  deps: Pick<Deps, 'db' | 'clock' | 'boss'>,
  email: string,
  context: AuditContext,
): Promise<void> {
  if (!(await hitRateLimit(deps.db, deps.clock, RATE_LIMITS.resendPerIp, context.ip ?? 'unknown')))
    throw new RateLimitedError();
  await queueAccountMailRequest(deps, { kind: 'activation', email, context });
}

/** A new activation email (new link and PIN) for a pending account, if the address has one. */
export async function sendActivationAgain(
  deps: ActivationMailDeps,
  email: string,
  context: AuditContext,
): Promise<void> {
  const { db, clock } = deps;
  const user = await findUserByEmail(db, email);
  if (!user || user.status !== 'pending') return;
  if (!(await hitRateLimit(db, clock, RATE_LIMITS.resendPerAccount, String(user.id)))) return;
  await db.transaction(async (trx) => {
    await sendActivation(deps, user, trx);
    await recordAudit(trx, { action: 'account.activation_resent', userId: user.id }, context);
  });
}

const activationLookup = (deps: Pick<Deps, 'clock'>) => ({
  purpose: LINK.activation,
  now: deps.clock.now(),
  next: NEW_ACTIVATION_LINK,
});

import type { Db } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { findToken, markTokenUsed } from './tokens.repository.ts';
import { findUserById, type UserRow } from './users.repository.ts';

const DAY_MS = 24 * 3600 * 1000;

/** A citizen's account that was registered and never activated: the only kind deleted here. */
const isPendingCitizen = (user: UserRow | undefined): user is UserRow =>
  Boolean(user && user.status === 'pending' && !user.roles.length && !user.activated_at);

export type CancelLinkState =
  { state: 'valid'; username: string } | { state: 'used' | 'expired' | 'unknown' };

/**
 * The "this was not me" link of the activation email: whoever owns the address can delete an
 * account registered with it, while it is still pending. The link works once.
 */
export function createPendingAccounts(deps: Pick<Deps, 'db' | 'clock'>) {
  const { db, clock } = deps;
  return {
    async checkCancelLink(token: string): Promise<CancelLinkState> {
      const found = await findToken(db, token, 'registration_cancel', clock.now());
      if (found.state !== 'valid') return { state: found.state };
      const user = await findUserById(db, found.token.user_id);
      return isPendingCitizen(user)
        ? { state: 'valid', username: user.username }
        : { state: 'used' };
    },

    /** Deletes the pending account behind the link; an active one stays (and the link is spent). */
    async cancelRegistration(token: string, context: AuditContext): Promise<'deleted' | 'invalid'> {
      return db.transaction(async (trx) => {
        const found = await findToken(trx, token, 'registration_cancel', clock.now(), true);
        if (found.state !== 'valid') return 'invalid';
        const user = (await trx('users').where({ id: found.token.user_id }).forUpdate().first()) as
          UserRow | undefined;
        if (!isPendingCitizen(user)) {
          await markTokenUsed(trx, found.token.id);
          return 'invalid';
        }
        // Its tokens go with it (ON DELETE CASCADE); the username, email and phone are free again.
        await trx('users').where({ id: user.id }).delete();
        await recordAudit(
          trx,
          { action: 'account.registration_cancelled', details: { accountId: user.id } },
          context,
        );
        return 'deleted';
      });
    },
  };
}

/**
 * Deletes the pending citizen accounts whose registration, and latest activation email, are more
 * than `days` old (the hourly maintenance job), freeing their username, email and phone. Staff
 * invitations and accounts whose identity a clerk has checked are left alone.
 */
export async function deleteStalePendingAccounts(
  db: Db,
  clock: Clock,
  days: number,
): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - days * DAY_MS);
  return db.transaction(async (trx) => {
    const result = (await trx.raw(
      `DELETE FROM users u
        WHERE u.status = 'pending' AND u.roles = '{}' AND u.activated_at IS NULL
          AND u.identity_verified_at IS NULL AND u.created_at < :cutoff
          AND NOT EXISTS (SELECT 1 FROM user_tokens t
                           WHERE t.user_id = u.id AND t.purpose = 'activation'
                             AND t.created_at >= :cutoff)
       RETURNING u.id`,
      { cutoff },
    )) as { rows: { id: number }[] };
    for (const { id } of result.rows)
      await recordAudit(trx, {
        action: 'account.pending_deleted',
        details: { accountId: id, afterDays: days },
      });
    return result.rows.length;
  });
}

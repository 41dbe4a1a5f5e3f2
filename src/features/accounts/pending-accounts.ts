import type { Db } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import type { Clock } from '../../lib/clock.ts';
import { LinkInvalidError } from '../../lib/errors.ts';
import { checkLink, consumeLink } from '../../lib/one-time-links.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { DAY_MS, LINK } from './account-links.ts';
import {
  deletePendingCitizensOlderThan,
  deleteUser,
  findUserById,
  lockUser,
  type UserRow,
} from './users.repository.ts';

// The "this was not me" link of the activation email: whoever owns the address can delete an
// account registered with it, while it is still pending. The link works once.

/** A citizen's account that was registered and never activated: the only kind deleted here. */
const isPendingCitizen = (user: UserRow | undefined): user is UserRow =>
  Boolean(user && user.status === 'pending' && !user.roles.length && !user.activated_at);

/** The username of the account the link would delete; LinkInvalidError if there is none. */
export async function checkCancelLink(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<string> {
  const link = await checkLink(deps.db, token, cancelLookup(deps));
  const user = await findUserById(deps.db, link.user_id!);
  if (!isPendingCitizen(user)) throw new LinkInvalidError('used');
  return user.username ?? user.email;
}

/** Deletes the pending account behind the link; an active one stays (and the link is spent). */
export async function cancelRegistration(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
  context: AuditContext,
): Promise<void> {
  const deleted = await deps.db.transaction(async (trx) => {
    const link = await consumeLink(trx, token, cancelLookup(deps));
    const user = await lockUser(trx, link.user_id!);
    if (!isPendingCitizen(user)) return false;
    // Its links go with it (ON DELETE CASCADE); the username, email and phone are free again.
    await deleteUser(trx, user.id);
    await recordAudit(
      trx,
      { action: 'account.registration_cancelled', details: { accountId: user.id } },
      context,
    );
    return true;
  });
  if (!deleted) throw new LinkInvalidError('used');
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
    const ids = await deletePendingCitizensOlderThan(trx, cutoff);
    for (const id of ids)
      await recordAudit(trx, {
        action: 'account.pending_deleted',
        details: { accountId: id, afterDays: days },
      });
    return ids.length;
  });
}

const cancelLookup = (deps: Pick<Deps, 'clock'>) => ({
  purpose: LINK.registrationCancel,
  now: deps.clock.now(),
});

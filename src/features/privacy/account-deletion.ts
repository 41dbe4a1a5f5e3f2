import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { LinkInvalidError, NotFoundError } from '../../lib/errors.ts';
import type { Lang } from '../../lib/localized.ts';
import { checkLink, consumeLink, issueLink, type OneTimeLink } from '../../lib/one-time-links.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { deleteSessionsOf } from '../accounts/users.repository.ts';
import { personOf } from './data-export.ts';
import { eraseInOneTransaction } from './erasure.ts';

export const DELETE_LINK = 'account_delete';
/** The confirmation works once, for 24 hours from when its mail leaves. */
export const DELETE_LINK_MS = 24 * 3600 * 1000;

const NEXT = { href: '/account/delete', textKey: 'privacy.delete.askAgain' };

interface Account {
  id: number;
  full_name: string | null;
  email: string | null;
  lang: Lang;
  roles: string[];
  status: string;
}

/**
 * The citizen asks to delete their account: a one-time link by email confirms it (so a session
 * left open on a shared computer cannot delete the account alone). Staff accounts cannot: an
 * admin disables them, and their actions stay on the audit trail.
 */
export async function requestDeletion(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer' | 'config'>,
  account: Account,
  context: AuditContext,
): Promise<'sent' | 'staff'> {
  if (account.roles.length) return 'staff';
  await deps.db.transaction(async (trx) => {
    const token = await issueLink(trx, {
      purpose: DELETE_LINK,
      userId: account.id,
      expiresAt: new Date(deps.clock.now().getTime() + DELETE_LINK_MS),
    });
    await deps.mailer.send(
      'account-delete-confirm',
      { email: account.email!, lang: account.lang },
      {
        fullName: account.full_name,
        link: `${deps.config.baseUrl}/account/delete/confirm/${token}`,
      },
      trx,
      { priority: 'link', link: { token, ttlMs: DELETE_LINK_MS } },
    );
    await recordAudit(trx, { action: 'privacy.deletion_requested', userId: account.id }, context);
  });
  return 'sent';
}

/** The confirmation link, for the page before its button: it must be this account's. */
export async function checkDeletionLink(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
  userId: number,
): Promise<OneTimeLink> {
  const link = await checkLink(deps.db, token, {
    purpose: DELETE_LINK,
    now: deps.clock.now(),
    next: NEXT,
  });
  if (link.user_id !== userId) throw new NotFoundError();
  return link;
}

/**
 * Deletes the account, in one transaction: the link is used, every module erases or anonymises
 * what it holds (upcoming appointments cancelled with their usual mail, open requests withdrawn),
 * a last mail says it is done, and the account row is emptied (kept as an 'erased' row that what
 * the law keeps still points at) and signed out everywhere. Its username, email and phone are
 * free again at once.
 */
export async function deleteAccount(
  deps: Deps,
  token: string,
  userId: number,
  context: AuditContext,
): Promise<void> {
  const account = (await deps.db('users').where({ id: userId }).first()) as Account | undefined;
  const person = await personOf(deps.db, userId);
  if (!account || !person || account.status === 'erased') throw new NotFoundError();
  if (account.roles.length) throw new NotFoundError();
  await eraseInOneTransaction(deps, person, deps.modules, {
    before: async (trx) => {
      const link = await consumeLink(trx, token, {
        purpose: DELETE_LINK,
        now: deps.clock.now(),
        next: NEXT,
      });
      if (link.user_id !== userId) throw new LinkInvalidError('unknown', NEXT);
      await trx('users').where({ id: userId }).forUpdate().first('id');
    },
    after: async (trx) => {
      if (account.email)
        await deps.mailer.send(
          'account-deleted',
          { email: account.email, lang: account.lang },
          { fullName: account.full_name },
          trx,
        );
      await emptyAccountRow(trx, userId, deps.clock.now());
      await deleteSessionsOf(trx, userId);
      await recordAudit(
        trx,
        { action: 'privacy.account_erased', userId },
        { requestId: context.requestId },
      );
    },
  });
  deps.userCache.invalidate(String(userId));
}

async function emptyAccountRow(trx: Knex.Transaction, userId: number, now: Date): Promise<void> {
  await trx('users').where({ id: userId }).update({
    status: 'erased',
    erased_at: now,
    username: null,
    full_name: null,
    email: null,
    phone_e164: null,
    password_hash: null,
    ivr_pin_hash: null,
    afm: null,
    taxisnet_afm: null,
    taxisnet_linked_at: null,
    identity_verified_at: null,
    identity_channel: null,
    address_street: null,
    address_number: null,
    address_postcode: null,
    address_city: null,
    roles: [],
    updated_at: now,
  });
}

import type { Knex } from 'knex';

/**
 * What an account can make the portal email it, and how often: a new PIN, an email change (an
 * address already taken is refused, and counts too, so the page cannot be used to probe
 * addresses).
 */
export const ACCOUNT_MAIL_ACTIONS = [
  'account.pin_changed',
  'account.email_change_requested',
  'account.email_change_refused',
];
export const ACCOUNT_MAILS_PER_HOUR = 5;

/**
 * True while the account has sent fewer than 5 account mails in the last hour (a sliding hour,
 * counted from the audit log, which records each one). Locks the account's row for the rest of
 * the transaction, so two requests at once are counted one after the other; the caller records
 * its audit entry in the same transaction.
 */
export async function mayMailAccount(trx: Knex.Transaction, userId: number): Promise<boolean> {
  await trx('users').where({ id: userId }).forUpdate().first('id');
  const row = (await trx('audit_log')
    .where({ user_id: userId })
    .whereIn('action', ACCOUNT_MAIL_ACTIONS)
    .where('at', '>', trx.raw("now() - interval '1 hour'"))
    .count({ n: '*' })
    .first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0) < ACCOUNT_MAILS_PER_HOUR;
}

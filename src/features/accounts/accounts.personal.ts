import type { Knex } from 'knex';
import type { Person } from '../module.ts';
import { normaliseLogin } from './users.repository.ts';

/**
 * The account itself and the audit trail about it, for the person's download. The trail shows
 * what happened and when; whether a member of staff did it, not who (staff are other people).
 */
export async function exportAccount(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const account = (await conn('users')
    .where({ id: person.userId })
    .first(
      'username',
      'full_name',
      'email',
      'phone_e164 as phone',
      'lang as language',
      'status',
      'created_at',
      'activated_at',
      'identity_verified_at',
      'identity_channel as identity_verified_by',
      'afm',
      'address_street',
      'address_number',
      'address_postcode',
      'address_city',
      'taxisnet_afm',
      'taxisnet_linked_at',
      conn.raw('ivr_pin_hash IS NOT NULL AS has_phone_pin'),
      conn.raw('password_hash IS NOT NULL AS has_password'),
    )) as Record<string, unknown> | undefined;
  const auditTrail = (await conn('audit_log')
    .where({ user_id: person.userId })
    .orderBy('id')
    .select(
      'at',
      'action',
      'ip',
      'details',
      conn.raw('(actor_id IS DISTINCT FROM user_id AND actor_id IS NOT NULL) AS by_staff'),
    )) as Record<string, unknown>[];
  return { account: account ?? null, audit_trail: auditTrail };
}

/** Keys in an audit entry's details that hold what a person typed or is. */
const PERSONAL_KEYS = /^(ip|email|phone|name|full_?name|username|login|afm|address|from|to)$/i;

/**
 * Erasure: the account's links and sign-in counts go; the audit trail stays (the law keeps it)
 * with nothing that names the person: the addresses and the details that hold their name, email,
 * phone, AFM or username (in entries about them, by them, or naming them) are emptied. The
 * account row itself is emptied last by the deletion (privacy/account-deletion.ts).
 */
export async function eraseAccount(person: Person, trx: Knex.Transaction): Promise<void> {
  const user = (await trx('users').where({ id: person.userId }).first('username', 'full_name')) as
    { username: string | null; full_name: string | null } | undefined;
  await trx('one_time_links').where({ user_id: person.userId }).delete();
  const keys = [`account:${person.userId}`];
  for (const login of [user?.username, person.email, person.phone])
    if (login) keys.push(`name:${normaliseLogin(login)}`);
  await trx('sign_in_failures').whereIn('key', keys).delete();

  const personal = [user?.username, user?.full_name, person.email, person.phone, person.afm]
    .filter((value): value is string => Boolean(value && value.length >= 3))
    .map((value) => value.toLowerCase());
  const entries = (await trx('audit_log')
    .where((query) => {
      query.where({ user_id: person.userId }).orWhere({ actor_id: person.userId });
      for (const value of personal)
        query.orWhereRaw('strpos(lower(details::text), ?) > 0', [value]);
    })
    .select('id', 'details')) as { id: number; details: Record<string, unknown> }[];
  for (const entry of entries)
    await trx('audit_log')
      .where({ id: entry.id })
      .update({ ip: null, details: JSON.stringify(scrub(entry.details, personal)) });
}

function scrub(value: unknown, personal: readonly string[], key = ''): unknown {
  if (typeof value === 'string')
    return PERSONAL_KEYS.test(key) || personal.some((p) => value.toLowerCase().includes(p))
      ? '[erased]'
      : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, personal, key));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, personal, k)]));
  return PERSONAL_KEYS.test(key) && value !== null ? '[erased]' : value;
}

/** A used or expired link is kept 30 days (its page can still say "used" rather than "unknown"). */
const SPENT_LINK_DAYS = 30;

/** The rule accounts.spent-links: one-time links used or expired over 30 days ago, of every purpose. */
export async function deleteSpentLinks(db: Knex, clock: { now: () => Date }): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - SPENT_LINK_DAYS * 86_400_000);
  return db('one_time_links')
    .where((query) => query.where('used_at', '<', cutoff).orWhere('expires_at', '<', cutoff))
    .delete();
}

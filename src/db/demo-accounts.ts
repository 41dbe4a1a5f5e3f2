import type { Knex } from 'knex';
import { MODULES } from '../features/index.ts';
import type { DemoAccount, Module } from '../features/module.ts';
import { comparableDocumentNumber, maskDocumentNumber } from '../lib/afm.ts';
import { hashSecret } from '../lib/passwords.ts';

/**
 * One account per kind of person, so that a newcomer can try every role at once: each module
 * declares those of its roles (`demo.accounts` in its manifest). Development only: listed in the
 * README, never created in production.
 */
export function demoAccountsOf(modules: readonly Module[]): DemoAccount[] {
  return modules.flatMap((module) => module.demo?.accounts ?? []);
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = demoAccountsOf(MODULES);

export class DemoDataInProductionError extends Error {
  constructor() {
    super('demo accounts are never created in production');
  }
}

/**
 * Creates the demo accounts that are missing; leaves those already there as they are (a
 * changed password stays changed). Returns the usernames it created.
 */
export async function seedDemoAccounts(
  db: Knex,
  options: { production: boolean; now: Date },
  accounts: readonly DemoAccount[] = DEMO_ACCOUNTS,
): Promise<string[]> {
  if (options.production) throw new DemoDataInProductionError();
  const existing = new Set(
    (
      (await db('users')
        .whereRaw('lower(username) = ANY(?)', [accounts.map((a) => a.username)])
        .pluck('username')) as string[]
    ).map((u) => u.toLowerCase()),
  );
  // Staff first: the verified citizen's identity check names the demo clerk.
  const ordered = [...accounts].sort((a, b) => b.roles.length - a.roles.length);
  const created: string[] = [];
  for (const account of ordered) {
    if (existing.has(account.username)) continue;
    const id = await insertAccount(db, account, options.now);
    if (id !== undefined) created.push(account.username);
  }
  return created;
}

async function insertAccount(
  db: Knex,
  account: DemoAccount,
  now: Date,
): Promise<number | undefined> {
  const passwordHash = await hashSecret(account.password);
  const pinHash = account.pin ? await hashSecret(account.pin) : null;
  return db.transaction(async (trx) => {
    const check = account.identityCheck;
    // Any clash (an email or phone a developer already used) leaves that one account out.
    const [row] = (await trx('users')
      .insert({
        username: account.username,
        full_name: account.fullName,
        email: account.email,
        phone_e164: account.phone,
        password_hash: passwordHash,
        ivr_pin_hash: pinHash,
        lang: 'el',
        status: 'active',
        roles: [...account.roles],
        activated_at: now,
        identity_verified_at: check ? now : null,
        identity_channel: check ? 'counter' : null,
        afm: check?.afm ?? null,
      })
      .onConflict()
      .ignore()
      .returning('id')) as { id: number }[];
    if (!row || !check) return row?.id;
    const clerk = (await trx('users').where({ username: 'demo.clerk' }).first('id')) as
      { id: number } | undefined;
    await trx('identity_checks').insert({
      user_id: row.id,
      clerk_id: clerk?.id ?? null,
      document_type: 'identity_card',
      document_number_masked: maskDocumentNumber(check.documentNumber),
      document_number_hash: await hashSecret(comparableDocumentNumber(check.documentNumber)),
      afm: check.afm,
      checked_at: now,
    });
    return row.id;
  });
}

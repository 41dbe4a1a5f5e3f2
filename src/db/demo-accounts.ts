import type { Knex } from 'knex';
import type { Role } from '../features/accounts/users.repository.ts';
import { comparableDocumentNumber, maskDocumentNumber } from '../lib/afm.ts';
import { hashSecret } from '../lib/passwords.ts';

export interface DemoAccount {
  /** As the README's table names it: 'citizen', 'verified citizen' or a staff role. */
  role: string;
  username: string;
  password: string;
  fullName: string;
  email: string;
  phone: string | null;
  roles: Role[];
  /** The in-person identity check a clerk recorded (AFM with a valid check digit). */
  identityCheck?: { afm: string; documentNumber: string };
}

/**
 * One account per kind of person, so that a newcomer can try every role at once. Development
 * only: listed in the README, never created in production. Passphrases meet the password policy
 * (citizens 10+, staff 14+ characters, without the username or a repeated word).
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    role: 'citizen',
    username: 'demo.citizen',
    password: 'Olive-Harbour-Breeze-26',
    fullName: 'Μαρία Παπαδάκη',
    email: 'demo.citizen@example.gr',
    phone: '+306900000101',
    roles: [],
  },
  {
    role: 'verified citizen',
    username: 'demo.verified',
    password: 'Cretan-Sun-Lighthouse-26',
    fullName: 'Γιώργος Μανωλάκης',
    email: 'demo.verified@example.gr',
    phone: '+306900000102',
    roles: [],
    identityCheck: { afm: '102938470', documentNumber: 'ΑΚ123456' },
  },
  {
    role: 'editor',
    username: 'demo.editor',
    password: 'Quiet-Library-Paper-Lamp-2026',
    fullName: 'Ελένη Καλογεράκη',
    email: 'demo.editor@example.gov.gr',
    phone: null,
    roles: ['editor'],
  },
  {
    role: 'clerk',
    username: 'demo.clerk',
    password: 'Counter-Window-Stamp-Ink-2026',
    fullName: 'Κώστας Δασκαλάκης',
    email: 'demo.clerk@example.gov.gr',
    phone: null,
    roles: ['clerk'],
  },
  {
    role: 'admin',
    username: 'demo.admin',
    password: 'Harbour-Keys-Lantern-Gate-2026',
    fullName: 'Άννα Ξενάκη',
    email: 'demo.admin@example.gov.gr',
    phone: null,
    roles: ['admin'],
  },
];

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
): Promise<string[]> {
  if (options.production) throw new DemoDataInProductionError();
  const existing = new Set(
    (
      (await db('users')
        .whereRaw('lower(username) = ANY(?)', [DEMO_ACCOUNTS.map((a) => a.username)])
        .pluck('username')) as string[]
    ).map((u) => u.toLowerCase()),
  );
  // Staff first: the verified citizen's identity check names the demo clerk.
  const ordered = [...DEMO_ACCOUNTS].sort((a, b) => b.roles.length - a.roles.length);
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
        ivr_pin_hash: null,
        lang: 'el',
        status: 'active',
        roles: account.roles,
        activated_at: now,
        identity_verified_at: check ? now : null,
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

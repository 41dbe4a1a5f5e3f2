import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashSecret } from '../../../lib/passwords.ts';
import type { Filer } from './demo-types.ts';

/**
 * Residents who file and follow demo requests besides the two demo citizens. Their password is
 * random and never shown: nobody signs in as them; they make the queue look like a town's.
 */
const RESIDENTS: readonly [Exclude<Filer, 'citizen' | 'verified'>, string, string][] = [
  ['eleni', 'demo.eleni.markaki', 'Ελένη Μαρκάκη'],
  ['giorgos', 'demo.giorgos.daskalakis', 'Γιώργος Δασκαλάκης'],
  ['maria', 'demo.maria.tzanaki', 'Μαρία Τζανάκη'],
  ['kostas', 'demo.kostas.papadakis', 'Κώστας Παπαδάκης'],
  ['eirini', 'demo.eirini.sfakianaki', 'Ειρήνη Σφακιανάκη'],
  ['manolis', 'demo.manolis.koutakis', 'Μανώλης Κουτάκης'],
];

/** The demo citizens' accounts by who they are in the demo data (missing ones are created). */
export async function demoCitizens(
  trx: Knex.Transaction,
  today: Date,
): Promise<Map<Filer, number>> {
  const since = new Date(today.getTime() - 200 * 86_400_000);
  const passwordHash = await hashSecret(randomBytes(24).toString('base64url'));
  await trx('users')
    .insert(
      RESIDENTS.map(([, username, fullName]) => ({
        username,
        full_name: fullName,
        email: `${username}@example.gr`,
        password_hash: passwordHash,
        status: 'active',
        lang: 'el',
        activated_at: since,
        created_at: since,
        updated_at: since,
      })),
    )
    .onConflict()
    .ignore();
  const usernames: [Filer, string][] = [
    ['citizen', 'demo.citizen'],
    ['verified', 'demo.verified'],
    ...RESIDENTS.map(([filer, username]) => [filer, username] as [Filer, string]),
  ];
  const rows = (await trx('users')
    .whereIn(
      'username',
      usernames.map(([, username]) => username),
    )
    .select('id', 'username')) as { id: number; username: string }[];
  const ids = new Map(rows.map((row) => [row.username, row.id]));
  return new Map(
    usernames.flatMap(([filer, username]) =>
      ids.has(username) ? [[filer, ids.get(username)!] as [Filer, number]] : [],
    ),
  );
}

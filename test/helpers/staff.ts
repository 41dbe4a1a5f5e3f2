import type { Db } from '../../src/db/knex.ts';
import type { Role } from '../../src/features/accounts/users.repository.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import { newAgent, signIn, type Agent } from './accounts.ts';

export const STAFF_PASSWORD = 'ένας πολύ μακρύς κωδικός υπαλλήλου';

let counter = 0;
/** An active staff account with the given roles, signed in on a fresh agent. */
export async function signedInStaff(
  app: Parameters<typeof newAgent>[0],
  db: Db,
  roles: Role[],
): Promise<{ agent: Agent; id: number; username: string }> {
  counter += 1;
  const username = `staff.${roles.join('-') || 'none'}.${counter}.${Math.random().toString(36).slice(2, 6)}`;
  const [row] = (await db('users')
    .insert({
      username,
      full_name: `Υπάλληλος ${counter}`,
      email: `${username}@example.gov.gr`,
      password_hash: await hashSecret(STAFF_PASSWORD),
      status: 'active',
      roles,
      activated_at: new Date(),
    })
    .returning('id')) as { id: number }[];
  const agent = newAgent(app);
  const res = await signIn(agent, username, STAFF_PASSWORD);
  if (res.status !== 303) throw new Error(`staff sign-in failed: ${res.status}`);
  return { agent, id: row!.id, username };
}

/** A valid AFM from 8 digits (the check digit computed as the tax office does). */
export function afmFrom(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(first8[i]) * 2 ** (8 - i);
  return `${first8}${(sum % 11) % 10}`;
}

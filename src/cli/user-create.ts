/**
 * npm run user:create -- --role admin --username ... --email ... [--name "..."] [--phone ...]
 * Creates an active staff account. The password is asked for (hidden) or read from stdin.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { resolveDatabase } from '../db/connect.ts';
import { createDb } from '../db/knex.ts';
import { migrateLatest } from '../db/migrate.ts';
import { createStaffAccount, StaffAccountError } from '../features/accounts/staff-accounts.ts';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let input = '';
    for await (const chunk of process.stdin) input += String(chunk);
    return input.split('\n')[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
  let muted = false;
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (!muted) write(s);
  };
  const answer = await new Promise<string>((resolve) => {
    rl.question('Password: ', resolve);
    muted = true;
  });
  rl.close();
  process.stdout.write('\n');
  return answer;
}

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    username: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    phone: { type: 'string' },
  },
});

try {
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const db = createDb(database.url, 2);
  try {
    await migrateLatest(db);
    const password = await readPassword();
    const user = await createStaffAccount(db, {
      roles: values.role ?? [],
      username: values.username ?? '',
      email: values.email ?? '',
      fullName: values.name ?? values.username ?? '',
      phone: values.phone,
      password,
    });
    console.log(`Created ${user.username} (${user.roles.join(', ')}), id ${user.id}.`);
  } finally {
    await db.destroy();
    await database.stop();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof StaffAccountError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

/**
 * npm run user:create -- --role admin --username ... --email ... [--name "..."] [--phone ...]
 * Creates an active staff account. The password is asked for (hidden) or read from stdin.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { migrateLatest } from '../db/migrate.ts';
import { createStaffAccount, StaffAccountError } from '../features/accounts/staff-accounts.ts';
import { CliError, failureLine, runCli } from './run-cli.ts';

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

function readOptions() {
  try {
    return parseArgs({
      options: {
        role: { type: 'string', multiple: true },
        username: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        phone: { type: 'string' },
      },
    }).values;
  } catch (error) {
    // An unknown or malformed option: say which, before any database is started.
    console.error(failureLine('user:create', error));
    process.exit(1);
  }
}

const values = readOptions();

await runCli('user:create', async ({ db }) => {
  await migrateLatest(db);
  const password = await readPassword();
  try {
    const user = await createStaffAccount(db, {
      roles: values.role ?? [],
      username: values.username ?? '',
      email: values.email ?? '',
      fullName: values.name ?? values.username ?? '',
      phone: values.phone,
      password,
    });
    return `Created ${user.username} (${user.roles.join(', ')}), id ${user.id}.`;
  } catch (error) {
    if (error instanceof StaffAccountError) throw new CliError(error.message);
    throw error;
  }
});

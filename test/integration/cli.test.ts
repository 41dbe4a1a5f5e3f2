import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/db/demo-accounts.ts';
import { createDb } from '../../src/db/knex.ts';
import { migrationCount } from '../../src/db/migrate.ts';
import { verifySecret } from '../../src/lib/passwords.ts';
import { testDatabaseName, withDatabase } from '../helpers/database-url.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let uploadDir: string;
beforeAll(async () => {
  ctx = await createTestContext();
  uploadDir = await mkdtemp(path.join(tmpdir(), 'eservices-cli-'));
});
afterAll(async () => {
  await ctx.close();
  await rm(uploadDir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(
  file: string,
  args: string[],
  stdin: string,
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', file, ...args],
      {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: ctx.databaseUrl,
          UPLOAD_DIR: uploadDir,
          NODE_ENV: 'test',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(stdin);
  });
}

const run = (args: string[], stdin: string) => runScript('src/cli/user-create.ts', args, stdin);

/** A failure a person can act on: one line naming it, exit code 1, no "undefined", no stack. */
function expectOneClearLine(result: Result, words: string) {
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(words);
  expect(result.stderr).not.toMatch(/undefined|\n\s+at |Error:/);
}

describe('npm run user:create', () => {
  it('creates an active staff account with the password from stdin', async () => {
    const result = await run(
      [
        '--role',
        'admin',
        '--role',
        'clerk',
        '--username',
        'eleni.admin',
        '--email',
        'eleni@example.gov.gr',
        '--name',
        'Ελένη Διαχειρίστρια',
      ],
      'πολύ μακρύς κωδικός διαχείρισης\n',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Created eleni.admin (admin, clerk)');
    const user = (await ctx.db('users').where({ username: 'eleni.admin' }).first()) as {
      roles: string[];
      status: string;
      password_hash: string;
    };
    expect(user.roles).toEqual(['admin', 'clerk']);
    expect(user.status).toBe('active');
    expect(await verifySecret(user.password_hash, 'πολύ μακρύς κωδικός διαχείρισης')).toBe(true);
  });

  it('refuses a weak password or an unknown role with one line and exit code 1', async () => {
    const weak = await run(
      ['--role', 'admin', '--username', 'weak.admin', '--email', 'weak@example.gov.gr'],
      'short\n',
    );
    expectOneClearLine(weak, 'password refused');
    const role = await run(
      ['--role', 'boss', '--username', 'x.admin', '--email', 'x@example.gov.gr'],
      'πολύ μακρύς κωδικός διαχείρισης\n',
    );
    expectOneClearLine(role, '--role must be one or more of');
  });

  it('refuses a username that is taken, and an unknown option, with one clear line', async () => {
    const args = ['--role', 'editor', '--username', 'dup.editor', '--email', 'dup@example.gov.gr'];
    expect((await run(args, 'πολύ μακρύς κωδικός συντάκτη\n')).code).toBe(0);
    const again = await run(
      [...args.slice(0, 4), '--email', 'dup2@example.gov.gr'],
      'πολύ μακρύς κωδικός συντάκτη\n',
    );
    expectOneClearLine(again, 'user:create: that username is taken');
    expectOneClearLine(await run(['--rol', 'admin'], ''), "Unknown option '--rol'");
  }, 60_000);

  it('says which server it cannot reach, in one line', async () => {
    const unreachable = await runScript('src/cli/user-create.ts', ['--role', 'admin'], '', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    expectOneClearLine(unreachable, 'user:create: ');
    expect(unreachable.stderr).toMatch(/ECONNREFUSED|connect/);
  });
});

describe('npm run migrate and npm run seed', () => {
  it('every "node --import tsx" script in package.json names a file that exists', () => {
    const scripts = (
      JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const files = Object.values(scripts).flatMap(
      (line) => /--import tsx (\S+\.ts)/.exec(line)?.[1] ?? [],
    );
    expect(files).toEqual(expect.arrayContaining(['src/db/migrate-cli.ts', 'src/db/seed-cli.ts']));
    for (const file of files) expect(existsSync(file), file).toBe(true);
  });

  it('migrate brings an empty database to the latest migration and says so', async () => {
    const serverUrl = inject('databaseServerUrl');
    const name = testDatabaseName(`cli_${randomBytes(4).toString('hex')}`);
    const admin = createDb(serverUrl, 1);
    await admin.raw(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    try {
      const env = { DATABASE_URL: withDatabase(serverUrl, name) };
      const first = await runScript('src/db/migrate-cli.ts', [], '', env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`Applied ${migrationCount()} migration(s)`);
      const second = await runScript('src/db/migrate-cli.ts', [], '', env);
      expect(second.stdout).toContain(`Database up to date (${migrationCount()} migrations)`);
    } finally {
      await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.destroy();
    }
  });

  it('seed refuses in production and creates nothing', async () => {
    const refused = await runScript('src/db/seed-cli.ts', [], '', {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    expectOneClearLine(refused, 'seed: refused');
    const demo = (await ctx
      .db('users')
      .whereIn(
        'username',
        DEMO_ACCOUNTS.map((a) => a.username),
      )
      .count({ n: '*' })
      .first()) as { n: number };
    expect(demo.n).toBe(0);
  });

  it('seed loads the demo data and the demo accounts, and a second run changes nothing', async () => {
    const first = await runScript('src/db/seed-cli.ts', [], '');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Demo content loaded');
    expect(first.stdout).toContain('Demo accounts created: ');
    const decisions = (await ctx.db('decisions').count({ n: '*' }).first()) as { n: number };
    expect(decisions.n).toBeGreaterThan(50);
    const users = (await ctx
      .db('users')
      .whereIn(
        'username',
        DEMO_ACCOUNTS.map((a) => a.username),
      )
      .pluck('username')) as string[];
    expect(users.sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());

    const second = await runScript('src/db/seed-cli.ts', [], '');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Demo content left as it is');
    expect(second.stdout).toContain('Demo accounts already there');
    const again = (await ctx.db('decisions').count({ n: '*' }).first()) as { n: number };
    expect(again.n).toBe(decisions.n);
  }, 120_000);
});

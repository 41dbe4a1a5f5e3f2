/**
 * scripts/backup-database.sh and scripts/restore-database.sh on the PostgreSQL server at
 * DATABASE_URL: a portal database with a few rows made through the app is dumped, restored into
 * a new empty database, and compared table by table. The embedded PostgreSQL's package ships no
 * pg_dump, so without DATABASE_URL (or without the client tools) the file is skipped, saying why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db/knex.ts';
import { migrateLatest, migrationCount } from '../../src/db/migrate.ts';
import { createDeps } from '../../src/deps.ts';
import { MODULES } from '../../src/features/index.ts';
import { migrationsOf } from '../../src/features/registry.ts';
import { createActiveUser, newAgent, signIn } from '../helpers/accounts.ts';
import { testDatabaseName, withDatabase } from '../helpers/database-url.ts';
import { createDecision } from '../helpers/factories.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const TOOLS = ['pg_dump', 'pg_restore', 'psql'];
const missingTool = TOOLS.find((tool) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});

/** Why the file cannot run here, or undefined. */
async function whySkipped(): Promise<string | undefined> {
  if (!process.env.DATABASE_URL)
    return "DATABASE_URL is not set: the embedded PostgreSQL's package ships no pg_dump; run with DATABASE_URL=postgres://… to test the restore script";
  if (missingTool)
    return `${missingTool} is not installed (the PostgreSQL client tools: apt-get install postgresql-client)`;
  const admin = createDb(inject('databaseServerUrl'), 1);
  try {
    const { rows } = (await admin.raw('SHOW server_version_num')) as {
      rows: { server_version_num: string }[];
    };
    const server = Math.floor(Number(rows[0]!.server_version_num) / 10_000);
    const client = Number(
      /(\d+)/.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))![1],
    );
    if (client < server)
      return `pg_dump ${client} cannot dump PostgreSQL ${server}: install the client tools of version ${server} or newer`;
  } finally {
    await admin.destroy();
  }
  return undefined;
}

const skipped = await whySkipped();
if (skipped) console.log(`restore-script.test.ts skipped: ${skipped}`);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(script: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [path.join('scripts', script), ...args],
      {
        // What an operator's shell has: not vitest's own variables (BASE_URL among them).
        env: {
          PATH: process.env.PATH,
          ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

type Snapshot = Record<string, string>;

/** Every table of the portal's schemas as its row count and a digest of its rows; every sequence's value. */
async function snapshot(url: string): Promise<Snapshot> {
  const db = createDb(url, 1);
  try {
    const tables = (
      (await db.raw(`SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'`)) as {
        rows: { s: string; t: string }[];
      }
    ).rows;
    const out: Snapshot = {};
    for (const { s, t } of tables) {
      const { rows } = (await db.raw(
        `SELECT count(*)::int AS n,
           md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text COLLATE "C"), '')) AS digest
         FROM ??.?? x`,
        [s, t],
      )) as { rows: { n: number; digest: string }[] };
      out[`${s}.${t}`] = `${rows[0]!.n} rows ${rows[0]!.digest}`;
    }
    const sequences = (
      (await db.raw(`SELECT sequence_schema AS s, sequence_name AS q FROM information_schema.sequences
        WHERE sequence_schema IN ('public', 'pgboss')`)) as { rows: { s: string; q: string }[] }
    ).rows;
    for (const { s, q } of sequences) {
      const { rows } = (await db.raw('SELECT last_value, is_called FROM ??.??', [s, q])) as {
        rows: { last_value: number; is_called: boolean }[];
      };
      out[`${s}.${q}`] = `${rows[0]!.last_value} ${rows[0]!.is_called}`;
    }
    return out;
  } finally {
    await db.destroy();
  }
}

async function createEmptyDatabase(suffix: string): Promise<string> {
  const name = testDatabaseName(`${suffix}_${randomBytes(4).toString('hex')}`);
  const admin = createDb(inject('databaseServerUrl'), 1);
  await admin.raw(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.destroy();
  return withDatabase(inject('databaseServerUrl'), name);
}

// Each script run starts `npm run migrate`; the older database is migrated from nothing.
describe.skipIf(Boolean(skipped))('scripts/restore-database.sh', { timeout: 120_000 }, () => {
  let ctx: TestContext;
  let folder: string;
  let dump: string;
  let target: string;
  let citizen: { id: number; username: string; password: string };

  beforeAll(async () => {
    ctx = await createTestContext();
    folder = await mkdtemp(path.join(tmpdir(), 'eservices-restore-'));
    // A few rows made as the app makes them: accounts, their sessions and audit entries, a
    // decision, a queued mail (pg-boss), a rate-limit counter.
    citizen = await createActiveUser(ctx.db, 'restored');
    const agent = newAgent(ctx.app);
    expect((await signIn(agent, citizen.username, citizen.password)).status).toBe(303);
    await signedInStaff(ctx.app, ctx.db, ['editor']);
    await createDecision(ctx.db, { subject: 'Απόφαση που επιστρέφει από το αντίγραφο' });
    await ctx.deps.mail.enqueue({
      to: 'someone@example.gr',
      subject: 'Μήνυμα στην ουρά',
      html: '<p>Γεια</p>',
      text: 'Γεια',
    });
    dump = path.join(folder, 'portal.dump');
    const backup = await runScript('backup-database.sh', [dump, ctx.databaseUrl]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up \d+ tables to /);
    target = await createEmptyDatabase('restored');
  });

  afterAll(async () => {
    await ctx?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('restores the dump into an empty database: every table and sequence as in the original', async () => {
    const result = await runScript('restore-database.sh', [dump, target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Restored \d+ tables\./);
    expect(result.stdout).toContain(`Database up to date (${migrationCount()} migrations).`);
    expect(result.stdout).toContain(`Migrations: ${migrationCount()} migrations, the latest `);
    expect(result.stdout).toMatch(/Rows: .*users \d+/);
    expect(result.stdout).toMatch(/Queued jobs \(pgboss\.job by state\): .*created 1/);

    const [original, restored] = await Promise.all([snapshot(ctx.databaseUrl), snapshot(target)]);
    expect(Object.keys(original).length).toBeGreaterThan(50);
    expect(restored).toEqual(original);
    expect(original['public.session']).toMatch(/^2 rows/);
    expect(original['public.users']).not.toMatch(/^0 rows/);
  });

  it('gives a database the portal runs on: the restored citizen signs in', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: target,
      UPLOAD_DIR: folder,
      TRUST_PROXY: '1',
    });
    const deps = createDeps(config, target);
    await deps.start();
    try {
      const app = createApp(deps);
      expect((await request(app).get('/readyz')).status).toBe(200);
      const agent = newAgent(app);
      expect((await signIn(agent, citizen.username, citizen.password)).status).toBe(303);
      const account = await agent.get('/account');
      expect(account.status).toBe(200);
      expect(account.text).toContain(citizen.username);
    } finally {
      await deps.close();
    }
  });

  it('refuses a database that is not empty, and leaves it as it was', async () => {
    const db = createDb(target, 1);
    try {
      await db('users').insert({
        username: 'only.in.target',
        full_name: 'Μόνο εδώ',
        email: 'only.in.target@example.gr',
        password_hash: 'x',
        status: 'active',
        activated_at: new Date(),
      });
    } finally {
      await db.destroy();
    }
    const before = await snapshot(target);

    const result = await runScript('restore-database.sh', [dump, target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^restore: the target database \S+ is not empty \(\d+ tables\)/);
    expect(result.stderr).toContain('--force');
    expect(result.stderr).not.toContain('postgres://');
    expect(await snapshot(target)).toEqual(before);
  });

  it('refuses a file that is not a custom-format dump of the portal', async () => {
    const empty = await createEmptyDatabase('not_portal');
    const notPortal = path.join(folder, 'other.dump');
    const db = createDb(empty, 1);
    await db.raw('CREATE TABLE something (id int)').finally(() => db.destroy());
    execFileSync('pg_dump', ['--format=custom', `--file=${notPortal}`, empty]);
    const other = await runScript('restore-database.sh', [notPortal, target]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('holds no knex_migrations table');

    const plain = path.join(folder, 'plain.sql');
    execFileSync('pg_dump', [`--file=${plain}`, ctx.databaseUrl]);
    const text = await runScript('restore-database.sh', [plain, target]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('is not a pg_dump archive in custom format');
  });

  it('with --force replaces a database with an older dump and brings it up to the latest migration', async () => {
    // A database as the previous version left it: every migration but the latest.
    const all = Object.keys(migrationsOf(MODULES));
    const latest = all.at(-1)!;
    const previousVersion = MODULES.map((module) =>
      module.migrations && latest in module.migrations
        ? {
            ...module,
            migrations: Object.fromEntries(
              Object.entries(module.migrations).filter(([name]) => name !== latest),
            ),
          }
        : module,
    );
    const older = await createEmptyDatabase('older');
    const db = createDb(older, 1);
    const kept = await migrateLatest(db, previousVersion)
      .then(() => createActiveUser(db, 'from-the-older-dump'))
      .finally(() => db.destroy());
    const olderDump = path.join(folder, 'older.dump');
    expect((await runScript('backup-database.sh', [olderDump, older])).code).toBe(0);

    const result = await runScript('restore-database.sh', ['--force', olderDump, target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Applied 1 migration(s): ${latest}.`);
    expect(result.stdout).toContain(`Migrations: ${all.length} migrations, the latest ${latest}.`);

    const restored = createDb(target, 1);
    try {
      const names = (await restored('knex_migrations').orderBy('name').pluck('name')) as string[];
      expect(names).toEqual(all);
      const users = (await restored('users').orderBy('id').select('username', 'password_hash')) as {
        username: string;
      }[];
      // What the target held before is gone (replaced), what the dump held is there.
      expect(users.map((u) => u.username)).toEqual([kept.username]);
    } finally {
      await restored.destroy();
    }
  });

  it('refuses while the portal is connected to the target', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: target,
      UPLOAD_DIR: folder,
    });
    const deps = createDeps(config, target);
    await deps.start();
    try {
      await deps.db.raw('SELECT 1');
      const result = await runScript('restore-database.sh', ['--force', dump, target]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /the portal is connected to \S+ \(.*eservices.*\): stop its processes first/,
      );
    } finally {
      await deps.close();
    }
  });
});

import { freePort } from './helpers/free-port.ts';
import type { TestProject } from 'vitest/node';
import { createDb } from '../src/db/knex.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.ts';
import { migrateLatest } from '../src/db/migrate.ts';
import { seedReferenceData } from '../src/db/seed.ts';
import { createBoss, ensureMailQueue } from '../src/features/mail/mail-queue.ts';
import { TEMPLATE_DB, withDatabase } from './helpers/database-url.ts';

let embedded: EmbeddedServer | undefined;
let serverUrlInUse: string | undefined;

/**
 * One migrated template database per run; each test file copies it into a database of its own
 * (CREATE DATABASE ... TEMPLATE), so files are isolated and can run in any order.
 * Uses DATABASE_URL's server when set, an embedded PostgreSQL otherwise.
 */
export async function setup(project: TestProject): Promise<void> {
  // Test files run in forked workers; they name their databases after this (the main) process.
  process.env.VITEST_RUN_PID = String(process.pid);
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: '.data/test-postgres',
      port: await freePort(),
      database: 'postgres',
      durable: false,
    });
    serverUrl = embedded.url;
  }
  const admin = createDb(serverUrl, 2);
  await dropDatabases(admin, (pid) => pid === process.pid || !isAlive(pid));
  await admin.raw(`CREATE DATABASE "${TEMPLATE_DB}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.destroy();

  const template = createDb(withDatabase(serverUrl, TEMPLATE_DB), 2);
  await migrateLatest(template);
  await seedReferenceData(template);
  await template.destroy();
  // pg-boss installs its schema once here, so each test database starts with it.
  const boss = createBoss(withDatabase(serverUrl, TEMPLATE_DB), { worker: false });
  await boss.start();
  await ensureMailQueue(boss, { retryDelaySeconds: 1, retryLimit: 5 });
  await boss.stop({ graceful: false, wait: true });
  serverUrlInUse = serverUrl;
  project.provide('databaseServerUrl', serverUrl);
}

/** Drops this run's databases, and those left by runs that crashed (their process is gone). */
async function dropDatabases(admin: ReturnType<typeof createDb>, whose: (pid: number) => boolean) {
  const rows = (
    (await admin.raw(`SELECT datname FROM pg_database WHERE datname ~ '^eservices_r[0-9]+_'`)) as {
      rows: { datname: string }[];
    }
  ).rows;
  for (const { datname } of rows) {
    const pid = Number(/^eservices_r(\d+)_/.exec(datname)?.[1]);
    if (whose(pid)) await admin.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function teardown(): Promise<void> {
  if (serverUrlInUse) {
    const admin = createDb(serverUrlInUse, 1);
    await dropDatabases(admin, (pid) => pid === process.pid).catch(() => undefined);
    await admin.destroy();
  }
  await embedded?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
  }
}

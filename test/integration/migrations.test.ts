import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../src/db/knex.ts';
import { migrateLatest, migrateRollbackAll } from '../../src/db/migrate.ts';
import { testDatabaseName, withDatabase } from '../helpers/database-url.ts';

const name = testDatabaseName(randomBytes(6).toString('hex'));
const serverUrl = inject('databaseServerUrl');
afterAll(async () => {
  const admin = createDb(serverUrl, 1);
  await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.destroy();
});

describe('migrations', () => {
  it('run forward on an empty database, roll all the way back, and forward again', async () => {
    const admin = createDb(serverUrl, 1);
    await admin.raw(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
    await admin.destroy();
    const db = createDb(withDatabase(serverUrl, name), 2);
    try {
      await migrateLatest(db);
      const tables = async () =>
        (
          (await db.raw(
            `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex_%' ORDER BY 1`,
          )) as { rows: { tablename: string }[] }
        ).rows.map((r) => r.tablename);
      const all = await tables();
      expect(all).toEqual(
        expect.arrayContaining(['decisions', 'users', 'audit_log', 'identity_checks', 'session']),
      );
      await migrateRollbackAll(db);
      expect(await tables()).toEqual([]);
      await migrateLatest(db);
      expect(await tables()).toEqual(all);
    } finally {
      await db.destroy();
    }
  });
});

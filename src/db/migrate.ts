import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.ts';

const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(migration);
  },
};

/** Runs the migrations not yet applied; returns their names (none when the database is up to date). */
export async function migrateLatest(db: Knex): Promise<string[]> {
  // Two processes starting at once: knex's migration lock makes the second wait or fail cleanly.
  const [, applied] = (await db.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}

export function migrationCount(): number {
  return Object.keys(migrations).length;
}

export async function migrateRollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource: source }, true);
}

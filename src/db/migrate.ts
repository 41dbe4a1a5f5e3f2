import type { Knex } from 'knex';
import { MODULES } from '../features/index.ts';
import type { Module } from '../features/module.ts';
import { migrationsOf } from '../features/registry.ts';

/** Every module's migrations, by name (knex_migrations records names, so files may move). */
function sourceFor(modules: readonly Module[]): Knex.MigrationSource<string> {
  const migrations = migrationsOf(modules);
  return {
    getMigrations: () => Promise.resolve(Object.keys(migrations)),
    getMigrationName: (name) => name,
    getMigration: (name) => {
      const migration = migrations[name];
      if (!migration) throw new Error(`Unknown migration ${name}`);
      return Promise.resolve(migration as Knex.Migration);
    },
  };
}

/** Runs the migrations not yet applied; returns their names (none when the database is up to date). */
export async function migrateLatest(
  db: Knex,
  modules: readonly Module[] = MODULES,
): Promise<string[]> {
  // Two processes starting at once: knex's migration lock makes the second wait or fail cleanly.
  const [, applied] = (await db.migrate.latest({ migrationSource: sourceFor(modules) })) as [
    number,
    string[],
  ];
  return applied;
}

export function migrationCount(modules: readonly Module[] = MODULES): number {
  return Object.keys(migrationsOf(modules)).length;
}

export async function migrateRollbackAll(
  db: Knex,
  modules: readonly Module[] = MODULES,
): Promise<void> {
  await db.migrate.rollback({ migrationSource: sourceFor(modules) }, true);
}

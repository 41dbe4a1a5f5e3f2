import type { Knex } from 'knex';

/** The tables a citizen's dues page shows (their debts, arrangements, payments, overdue fines). */
const TABLES = [
  'debts',
  'debt_types',
  'arrangements',
  'arrangement_instalments',
  'payments',
  'fines',
];

/**
 * A citizen's dues page is kept rendered per session until what it shows changes (`keptPages`):
 * each write to these tables (an import's merge, a payment matched) announces itself, once per
 * statement, and every process empties its work cache (caches.ts).
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES)
    await knex.raw(`CREATE TRIGGER ${table}_notify_work AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION notify_work_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES)
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_work ON ${table}`);
}

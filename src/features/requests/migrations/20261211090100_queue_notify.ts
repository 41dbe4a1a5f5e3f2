import type { Knex } from 'knex';

/** The tables the handlers' queue shows, whose every change empties the kept queues (work_changed). */
const TABLES = ['requests', 'request_categories', 'departments', 'department_handlers'];

/**
 * The queue is kept rendered per handler's session until work changes (`keptPages`): each write
 * to what it shows announces itself. An account's name shows as the assignee, so a change of
 * name does too (only that: signing in updates the account and need not empty the queues).
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES)
    await knex.raw(`CREATE TRIGGER ${table}_notify_work AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION notify_work_changed()`);
  await knex.raw(`CREATE TRIGGER users_name_notify_work AFTER UPDATE OF full_name ON users
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
    EXECUTE FUNCTION notify_work_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS users_name_notify_work ON users');
  for (const table of TABLES)
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_work ON ${table}`);
}

import type { Knex } from 'knex';

const TABLES = [
  'decisions',
  'decision_categories',
  'benefits',
  'benefit_categories',
  'health_services',
];

/**
 * Every write to public content announces itself (NOTIFY content_changed, after commit), so each
 * app process drops its cache of public pages' data at once without asking on every request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION notify_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('content_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const table of TABLES) {
    await knex.raw(`CREATE TRIGGER ${table}_notify_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION notify_content_changed()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES)
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_changed ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS notify_content_changed()');
}

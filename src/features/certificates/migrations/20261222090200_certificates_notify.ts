import type { Knex } from 'knex';

/** The tables certificate pages show announce their changes (kept pages are rendered again). */
const TABLES = [
  'certificate_types',
  'certificate_applications',
  'certificate_events',
  'certificates',
  'roll_persons',
  'roll_records',
];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES)
    await knex.raw(`CREATE TRIGGER ${table}_notify_work AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION notify_work_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP TRIGGER ${table}_notify_work ON ${table}`);
}

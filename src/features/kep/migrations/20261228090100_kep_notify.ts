import type { Knex } from 'knex';

/** What the free days and free times of an area are worked out from. */
const TABLES = [
  'kep_areas',
  'kep_clerk_areas',
  'kep_clerk_hours',
  'kep_absences',
  'kep_closures',
  'kep_appointments',
];

/**
 * The booking pages keep each area's free days and times in the work cache (book-free.ts):
 * each write to these tables (a booking, a cancellation, hours or leave changed, a clerk's role
 * taken away) announces itself, once per statement, and every process empties its work cache.
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

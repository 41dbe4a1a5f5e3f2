import type { Knex } from 'knex';

/**
 * Indexes for the foreign keys looked up from the other side: deleting or anonymising an account
 * (the citizen's erasure) finds the requests assigned to a handler, the events they wrote and the
 * duplicates merged into a request without reading every row. And a timeline entry written on its
 * own (a document attached) announces itself too, so what the public sees through Open311 and
 * the kept queues follows it at once, not at the cache's age limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX requests_assignee_idx ON requests (assignee_id) WHERE assignee_id IS NOT NULL',
  );
  await knex.raw(
    'CREATE INDEX requests_merged_into_idx ON requests (merged_into) WHERE merged_into IS NOT NULL',
  );
  await knex.raw(
    'CREATE INDEX request_events_actor_idx ON request_events (actor_id) WHERE actor_id IS NOT NULL',
  );
  await knex.raw(`CREATE TRIGGER request_events_notify_work AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON request_events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_work_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS request_events_notify_work ON request_events');
  await knex.raw('DROP INDEX IF EXISTS request_events_actor_idx');
  await knex.raw('DROP INDEX IF EXISTS requests_merged_into_idx');
  await knex.raw('DROP INDEX IF EXISTS requests_assignee_idx');
}

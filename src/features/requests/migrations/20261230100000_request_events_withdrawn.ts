import type { Knex } from 'knex';

const KINDS = `'submitted', 'assigned', 'status', 'comment', 'answer', 'merged', 'moved', 'reopened',
  'photo', 'visibility', 'document'`;

/**
 * A timeline entry of its own for a request its citizen withdrew (their account's deletion closes
 * their open requests so): the handlers see why it closed, with no note.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE request_events DROP CONSTRAINT request_events_kind_check,
    ADD CONSTRAINT request_events_kind_check CHECK (kind IN (${KINDS}, 'withdrawn'))`);
}

export async function down(knex: Knex): Promise<void> {
  // Kept as what it did: a status change to closed, by the citizen.
  await knex.raw("UPDATE request_events SET kind = 'status' WHERE kind = 'withdrawn'");
  await knex.raw(`ALTER TABLE request_events DROP CONSTRAINT request_events_kind_check,
    ADD CONSTRAINT request_events_kind_check CHECK (kind IN (${KINDS}))`);
}

import type { Knex } from 'knex';

/**
 * A request's timeline: each change with who made it, a note the citizen sees and one only staff
 * see. The official answer is an event of its own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_events (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('submitted', 'assigned', 'status', 'comment', 'answer',
      'merged', 'moved', 'reopened', 'photo', 'visibility', 'document')),
    status text,
    actor_id integer REFERENCES users (id) ON DELETE SET NULL,
    by_citizen boolean NOT NULL DEFAULT false,
    public_note text CHECK (length(public_note) <= 4000),
    internal_note text CHECK (length(internal_note) <= 4000),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX request_events_request_idx ON request_events (request_id, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_events');
}

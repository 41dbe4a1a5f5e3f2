import type { Knex } from 'knex';

/**
 * Documents a handler attaches to a request (PDF only), stored under a generated name outside the
 * web root. `public`: the citizen and followers see it and may download it; otherwise it is for
 * staff only. `event_id`: its entry in the timeline (public ones; internal ones have none, so the
 * citizen's timeline never hints at them).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_documents (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    event_id bigint REFERENCES request_events (id) ON DELETE SET NULL,
    stored_name text NOT NULL UNIQUE CHECK (stored_name ~ '^[0-9a-f-]{36}\\.pdf$'),
    original_name text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 200),
    size integer NOT NULL CHECK (size > 0),
    public boolean NOT NULL,
    uploaded_by integer REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(
    'CREATE INDEX request_documents_request_idx ON request_documents (request_id, id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_documents');
}

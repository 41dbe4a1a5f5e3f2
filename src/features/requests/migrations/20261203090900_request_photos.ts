import type { Knex } from 'knex';

/** Photos of a request, stored re-encoded and without metadata under generated names. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_photos (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    event_id bigint REFERENCES request_events (id) ON DELETE SET NULL,
    file text NOT NULL UNIQUE,
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    bytes integer NOT NULL CHECK (bytes > 0),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX request_photos_request_idx ON request_photos (request_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_photos');
}

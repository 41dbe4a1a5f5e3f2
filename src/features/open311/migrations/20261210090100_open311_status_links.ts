import type { Knex } from 'knex';

/**
 * The read-only status links mailed to an Open311 reporter (/requests/status/<token>): each mail
 * carries a new random token, kept only as its SHA-256 hash; every one stays valid, so an older
 * mail's link still works.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE open311_status_links (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    request_id bigint NOT NULL REFERENCES open311_reporters (request_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(
    'CREATE INDEX open311_status_links_request_idx ON open311_status_links (request_id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE open311_status_links');
}

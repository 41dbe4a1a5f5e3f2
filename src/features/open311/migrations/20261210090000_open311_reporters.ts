import type { Knex } from 'knex';

/**
 * Who reported a request through Open311 (an app's user, with no account here): the app's key, the
 * contact details the app sent (never shown by the API, used only for the status mails), the
 * media_url, and the Open311 token (GET tokens/<token>) as its SHA-256 hash.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE open311_reporters (
    request_id bigint PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    api_key_id integer NOT NULL REFERENCES api_keys (id),
    email text CHECK (length(email) <= 254),
    first_name text CHECK (length(first_name) <= 100),
    last_name text CHECK (length(last_name) <= 100),
    phone text CHECK (length(phone) <= 40),
    media_url text CHECK (length(media_url) <= 2000),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE open311_reporters');
}

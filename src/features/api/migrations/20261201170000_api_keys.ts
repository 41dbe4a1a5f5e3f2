import type { Knex } from 'knex';

/**
 * Keys for the machine areas (/api/v1, Open311): one per application, stored as a SHA-256 hash
 * (the key is 32 random bytes, shown once), with its scopes, who made it, when it was last used
 * and whether it was revoked.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE api_keys (
    id serial PRIMARY KEY,
    app_name text NOT NULL CHECK (char_length(app_name) BETWEEN 2 AND 100),
    key_prefix text NOT NULL UNIQUE CHECK (key_prefix ~ '^[a-z0-9]{8}$'),
    key_hash text NOT NULL,
    scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
    created_by int REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE api_keys');
}

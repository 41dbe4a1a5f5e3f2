import type { Knex } from 'knex';

/**
 * Failed sign-ins, counted per submitted name (trimmed, lower-case) whether or not an account has
 * it, and per account, so the lock and its message are the same for a name nobody has.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE sign_in_failures (
    key text PRIMARY KEY,
    failures int NOT NULL CHECK (failures > 0),
    locked_until timestamptz,
    last_failed_at timestamptz NOT NULL
  )`);
  await knex.raw('CREATE INDEX sign_in_failures_last_idx ON sign_in_failures (last_failed_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_failures');
}

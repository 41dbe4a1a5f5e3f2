import type { Knex } from 'knex';

/** The account's lock moved to sign_in_failures (keyed `account:<id>`), beside the per-name lock. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE users ADD COLUMN failed_logins int NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz',
  );
}

import type { Knex } from 'knex';

/** Staff roles, one row each: every module that introduces a role inserts it in a migration of its own. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE roles (
    name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{1,39}$'),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE roles');
}

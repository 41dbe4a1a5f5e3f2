import type { Knex } from 'knex';

/** The clerk role (checks identities at the counter). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("INSERT INTO roles (name) VALUES ('clerk') ON CONFLICT DO NOTHING");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DELETE FROM roles WHERE name = 'clerk'");
}

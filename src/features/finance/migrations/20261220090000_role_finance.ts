import type { Knex } from 'knex';

/** The finance role (the municipality's finance office: imports, reconciliation, objections). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("INSERT INTO roles (name) VALUES ('finance') ON CONFLICT DO NOTHING");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DELETE FROM roles WHERE name = 'finance'");
}

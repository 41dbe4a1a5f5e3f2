import type { Knex } from 'knex';

/** The editor role (publishes decisions, benefits and health services). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("INSERT INTO roles (name) VALUES ('editor') ON CONFLICT DO NOTHING");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DELETE FROM roles WHERE name = 'editor'");
}

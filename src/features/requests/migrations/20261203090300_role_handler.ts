import type { Knex } from 'knex';

/** The handler role: department staff who handle requests and complaints. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("INSERT INTO roles (name) VALUES ('handler') ON CONFLICT DO NOTHING");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DELETE FROM roles WHERE name = 'handler'");
}

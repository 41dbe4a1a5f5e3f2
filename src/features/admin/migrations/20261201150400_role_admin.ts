import type { Knex } from 'knex';

/** The admin role (manages staff accounts and reads the audit log). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("INSERT INTO roles (name) VALUES ('admin') ON CONFLICT DO NOTHING");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DELETE FROM roles WHERE name = 'admin'");
}

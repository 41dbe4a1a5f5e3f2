import type { Knex } from 'knex';

/** A one-time link may concern no account (a booking, a third person invited to a call). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE one_time_links ALTER COLUMN user_id DROP NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DELETE FROM one_time_links WHERE user_id IS NULL');
  await knex.raw('ALTER TABLE one_time_links ALTER COLUMN user_id SET NOT NULL');
}

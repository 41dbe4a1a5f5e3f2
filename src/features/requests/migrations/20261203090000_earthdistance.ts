import type { Knex } from 'knex';

/** Distances on the earth's surface (near-duplicate requests within 50 m): cube and earthdistance. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS cube');
  await knex.raw('CREATE EXTENSION IF NOT EXISTS earthdistance');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP EXTENSION IF EXISTS earthdistance');
  await knex.raw('DROP EXTENSION IF EXISTS cube');
}

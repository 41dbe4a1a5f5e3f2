import type { Knex } from 'knex';

/**
 * The citizen's consent, given when filing, to show their name on the public list should the
 * department publish the request. Off unless they tick it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE requests ADD COLUMN show_name boolean NOT NULL DEFAULT false');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE requests DROP COLUMN show_name');
}

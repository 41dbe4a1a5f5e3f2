import type { Knex } from 'knex';

/**
 * Where the public list places a category's requests: at their exact point, or only in their
 * street or area (no point, no house number), for categories where a point would single out a home.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE request_categories ADD COLUMN public_location text NOT NULL
    DEFAULT 'exact' CHECK (public_location IN ('exact', 'street'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE request_categories DROP COLUMN public_location');
}

import type { Knex } from 'knex';

/**
 * GET requests for a service: each category's requests, public ones apart, newest first, so the
 * list reads its (at most) 1,000 rows in order from the index and stops (EXPLAIN ANALYZE on
 * 200,000 requests: ~7 ms instead of ~500 ms for a sequential scan). Not a partial index on
 * `public`: a key with open311:read-all reads the same way without the `public = true` condition.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX requests_category_public_idx
    ON requests (category_id, public, created_at DESC, id DESC)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS requests_category_public_idx');
}

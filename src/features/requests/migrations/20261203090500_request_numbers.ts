import type { Knex } from 'knex';

/**
 * The last reference number given in each year (ΑΙΤ-2026-000123): taken with an UPDATE …
 * RETURNING in the filing transaction, so two requests never share a number and none is skipped
 * by a rollback.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_numbers (
    year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
    last integer NOT NULL CHECK (last BETWEEN 0 AND 999999)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_numbers');
}

import type { Knex } from 'knex';

/**
 * Where an identity check was made: at the counter, or on camera in a ΚΕΠ video call (where the
 * citizen's AFM comes from TaxisNet). Earlier checks were all at the counter.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE identity_checks
    ADD COLUMN channel text NOT NULL DEFAULT 'counter' CHECK (channel IN ('counter', 'video'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE identity_checks DROP COLUMN channel');
}

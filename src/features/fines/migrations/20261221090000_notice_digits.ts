import type { Knex } from 'knex';

/**
 * The look-up compares a notice number by its digits (fines.repository.ts): people type the
 * series letters in Latin, with other dashes, or leave them out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "CREATE INDEX fines_notice_digits_idx ON fines ((regexp_replace(notice_number, '[^0-9]', '', 'g')), plate_key)",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS fines_notice_digits_idx');
}

import type { Knex } from 'knex';

/**
 * A deleted account's identity checks (/account/delete) keep that a check happened, when, how
 * and by which clerk; the AFM, the masked document number and its hash go.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE identity_checks
    ALTER COLUMN afm DROP NOT NULL,
    ALTER COLUMN document_number_masked DROP NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE identity_checks SET afm = coalesce(afm, '000000000'),
    document_number_masked = coalesce(document_number_masked, '-')
    WHERE afm IS NULL OR document_number_masked IS NULL`);
  await knex.raw(`ALTER TABLE identity_checks
    ALTER COLUMN afm SET NOT NULL,
    ALTER COLUMN document_number_masked SET NOT NULL`);
}

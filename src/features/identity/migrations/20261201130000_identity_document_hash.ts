import type { Knex } from 'knex';

/**
 * The document number of an identity check, as an argon2 hash of its normalised form (beside
 * the masked one people see): a later correction at the counter can be checked against the
 * document of the check without the number being kept. Older checks have only the masked one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE identity_checks ADD COLUMN document_number_hash text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE identity_checks DROP COLUMN document_number_hash');
}

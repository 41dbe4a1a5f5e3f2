import type { Knex } from 'knex';

/**
 * An optional postal address on the account (street, number, postcode, city): certificates,
 * appointments and the phone portal send documents by post to it. Street, postcode and city come
 * together or not at all; a Greek postcode is five digits.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users
    ADD COLUMN address_street text CHECK (char_length(address_street) BETWEEN 1 AND 100),
    ADD COLUMN address_number text CHECK (char_length(address_number) BETWEEN 1 AND 10),
    ADD COLUMN address_postcode text CHECK (address_postcode ~ '^[0-9]{5}$'),
    ADD COLUMN address_city text CHECK (char_length(address_city) BETWEEN 1 AND 60),
    ADD CONSTRAINT users_address_whole CHECK (
      (address_street IS NULL) = (address_postcode IS NULL)
      AND (address_street IS NULL) = (address_city IS NULL)
      AND (address_number IS NULL OR address_street IS NOT NULL)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users DROP CONSTRAINT users_address_whole,
    DROP COLUMN address_street, DROP COLUMN address_number,
    DROP COLUMN address_postcode, DROP COLUMN address_city`);
}

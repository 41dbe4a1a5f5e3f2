import type { Knex } from 'knex';

/**
 * ISO 11649 creditor references (RF) in SQL, so an import can check the references the financial
 * system sends and make the missing ones in the same set-based statement that merges the rows:
 * letters count A=10 … Z=35, the first four characters move to the end, and the number mod 97
 * must be 1. `numeric` holds the 40-odd digits exactly. src/lib/rf.ts is the same in TypeScript;
 * both are tested against node-iso11649.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION rf_digits(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT string_agg(CASE WHEN c BETWEEN '0' AND '9' THEN c ELSE (ascii(c) - 55)::text END, '' ORDER BY i)
      FROM unnest(string_to_array(upper(value), NULL)) WITH ORDINALITY AS chars(c, i) $$`);
  await knex.raw(`CREATE FUNCTION rf_make(body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT 'RF' || lpad((98 - (rf_digits(upper(body) || 'RF00')::numeric % 97))::text, 2, '0') || upper(body) $$`);
  await knex.raw(`CREATE FUNCTION rf_valid(reference text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT reference ~ '^RF[0-9]{2}[0-9A-Z]{1,21}$'
        AND substr(reference, 3, 2) BETWEEN '02' AND '98'
        AND rf_digits(substr(reference, 5) || substr(reference, 1, 4))::numeric % 97 = 1 $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS rf_valid(text)');
  await knex.raw('DROP FUNCTION IF EXISTS rf_make(text)');
  await knex.raw('DROP FUNCTION IF EXISTS rf_digits(text)');
}

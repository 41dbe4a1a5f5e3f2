import type { Knex } from 'knex';
import { ROLL_COLUMNS, ROLL_STAGING } from '../imports/roll-format.ts';

/**
 * The roll import's staging table (rows land as text, exactly as the file gave them, are checked
 * in SQL and merged only if none is bad; unlogged: nothing in it outlives the import), the
 * functions that read the registry's words for relation, sex and marital status in English or
 * Greek, and the index the back office's look-up by surname uses.
 */
export async function up(knex: Knex): Promise<void> {
  const columns = ROLL_COLUMNS.map((column) => `${column} text`).join(', ');
  await knex.raw(`CREATE UNLOGGED TABLE ${ROLL_STAGING} (
    import_id int NOT NULL REFERENCES roll_imports(id) ON DELETE CASCADE,
    line int NOT NULL,
    ${columns}
  )`);
  await knex.raw(`CREATE INDEX ${ROLL_STAGING}_import_idx ON ${ROLL_STAGING} (import_id, line)`);
  // Lower case, no accents, final sigma as σ (Αρχηγός, ΑΡΧΗΓΌΣ and αρχηγος alike): a translate,
  // not unaccent, as it runs three times on each of 100,000 rows.
  await knex.raw(`CREATE FUNCTION roll_word(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT translate(lower(trim(value)), 'άέήίόύώϊϋΐΰς', 'αεηιουωιυιυσ') $$`);
  await knex.raw(`CREATE FUNCTION roll_relation(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT CASE roll_word(value)
        WHEN 'head' THEN 'head' WHEN 'αρχηγοσ' THEN 'head'
        WHEN 'spouse' THEN 'spouse' WHEN 'συζυγοσ' THEN 'spouse'
        WHEN 'child' THEN 'child' WHEN 'τεκνο' THEN 'child'
        WHEN 'parent' THEN 'parent' WHEN 'γονεασ' THEN 'parent'
        WHEN 'sibling' THEN 'sibling' WHEN 'αδελφοσ' THEN 'sibling' WHEN 'αδελφη' THEN 'sibling'
        WHEN 'other' THEN 'other' WHEN 'αλλο' THEN 'other' WHEN 'αλλοσ' THEN 'other'
      END $$`);
  // Α (άρρεν) and Θ (θήλυ) as Greek registers write them; M and F.
  await knex.raw(`CREATE FUNCTION roll_sex(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT CASE roll_word(value)
        WHEN 'm' THEN 'M' WHEN 'α' THEN 'M' WHEN 'αρρεν' THEN 'M'
        WHEN 'f' THEN 'F' WHEN 'θ' THEN 'F' WHEN 'θηλυ' THEN 'F'
      END $$`);
  await knex.raw(`CREATE FUNCTION roll_marital_status(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT CASE roll_word(value)
        WHEN 'single' THEN 'single' WHEN 'αγαμοσ' THEN 'single' WHEN 'αγαμη' THEN 'single'
        WHEN 'married' THEN 'married' WHEN 'εγγαμοσ' THEN 'married' WHEN 'εγγαμη' THEN 'married'
        WHEN 'divorced' THEN 'divorced' WHEN 'διαζευγμενοσ' THEN 'divorced'
          WHEN 'διαζευγμενη' THEN 'divorced'
        WHEN 'widowed' THEN 'widowed' WHEN 'χηροσ' THEN 'widowed' WHEN 'χηρα' THEN 'widowed'
      END $$`);
  // The look-up finds a surname by its start, whatever the accents and case.
  await knex.raw(
    'CREATE INDEX roll_persons_surname_idx ON roll_persons (public.search_fold(surname) text_pattern_ops)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS roll_persons_surname_idx');
  await knex.raw('DROP FUNCTION IF EXISTS roll_marital_status(text)');
  await knex.raw('DROP FUNCTION IF EXISTS roll_sex(text)');
  await knex.raw('DROP FUNCTION IF EXISTS roll_relation(text)');
  await knex.raw('DROP FUNCTION IF EXISTS roll_word(text)');
  await knex.raw(`DROP TABLE ${ROLL_STAGING}`);
}

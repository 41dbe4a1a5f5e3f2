import type { Knex } from 'knex';
import { IMPORT_FORMATS, IMPORT_KINDS, stagingTable } from '../imports/import-formats.ts';

/**
 * Staging tables: an import's rows land here as text, exactly as the file gave them, are checked
 * in SQL (each bad field a row of the report), and are merged in one transaction only if none is
 * bad. Unlogged: they hold nothing that outlives the import, and writing them costs no WAL.
 */
export async function up(knex: Knex): Promise<void> {
  // Afm check digit as the counter checks it (src/lib/afm.ts), for the import's set-based checks.
  await knex.raw(`CREATE FUNCTION afm_valid(afm text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT afm ~ '^[0-9]{9}$' AND afm <> '000000000' AND
        (SELECT sum(substr(afm, i, 1)::int * (1 << (9 - i))) FROM generate_series(1, 8) AS i) % 11 % 10
          = substr(afm, 9, 1)::int $$`);
  // Dates as Greek exports write them (31/12/2026) or ISO (2026-12-31); NULL when not a real date.
  await knex.raw(`CREATE FUNCTION import_date(value text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
    DECLARE parts text[]; y int; m int; d int;
    BEGIN
      parts := regexp_match(value, '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$');
      IF parts IS NOT NULL THEN y := parts[1]; m := parts[2]; d := parts[3];
      ELSE
        parts := regexp_match(value, '^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})$');
        IF parts IS NULL THEN RETURN NULL; END IF;
        d := parts[1]; m := parts[2]; y := parts[3];
      END IF;
      IF y NOT BETWEEN 1900 AND 2200 OR m NOT BETWEEN 1 AND 12 OR d < 1
        OR d > extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN RETURN NULL; END IF;
      RETURN make_date(y, m, d);
    END $$`);
  // A time of day (14:05 or 14:05:30); NULL when not one.
  await knex.raw(`CREATE FUNCTION import_time(value text) RETURNS time
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT CASE WHEN value ~ '^([01]{0,1}[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]){0,1}$'
        THEN value::time END $$`);
  // A date with an optional time (Europe/Athens): when a bank reports a payment.
  await knex.raw(`CREATE FUNCTION import_timestamp(value text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE STRICT AS $$
      SELECT CASE
        WHEN parts[3] IS NULL THEN import_date(parts[1])::timestamp AT TIME ZONE 'Europe/Athens'
        WHEN import_time(parts[3]) IS NOT NULL
          THEN (import_date(parts[1]) + import_time(parts[3])) AT TIME ZONE 'Europe/Athens'
        END
      FROM (SELECT regexp_match(trim(value), '^([^ T]+)([ T]([0-9:]+)){0,1}$') AS parts) AS split $$`);
  for (const kind of IMPORT_KINDS) {
    const columns = IMPORT_FORMATS[kind].columns.map((column) => `${column} text`).join(', ');
    await knex.raw(`CREATE UNLOGGED TABLE ${stagingTable(kind)} (
      import_id int NOT NULL REFERENCES finance_imports(id) ON DELETE CASCADE,
      line int NOT NULL,
      ${columns}
    )`);
    await knex.raw(
      `CREATE INDEX ${stagingTable(kind)}_import_idx ON ${stagingTable(kind)} (import_id, line)`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const kind of IMPORT_KINDS) await knex.raw(`DROP TABLE ${stagingTable(kind)}`);
  await knex.raw('DROP FUNCTION IF EXISTS import_timestamp(text)');
  await knex.raw('DROP FUNCTION IF EXISTS import_time(text)');
  await knex.raw('DROP FUNCTION IF EXISTS import_date(text)');
  await knex.raw('DROP FUNCTION IF EXISTS afm_valid(text)');
}

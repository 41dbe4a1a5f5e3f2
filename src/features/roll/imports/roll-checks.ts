import type { Conn } from '../../../db/knex.ts';
import { ROLL_COLUMNS, ROLL_REQUIRED, ROLL_STAGING } from './roll-format.ts';

/**
 * The checks the roll's rows pass before anything is merged, as SQL over the staging table (alias
 * `s`): each finds the rows where a field is wrong and writes one report line per row and field.
 * A check runs only on a field that was given: a blank required field is reported once, as
 * 'required'. Reasons are codes; the report page words them (roll.import.reasons.<code>).
 * `:import` stands for the import's id, `:today` for today's date (both ours, never typed).
 */
interface Check {
  field: string;
  reason: string;
  /** True for a bad row; may use the staging row `s`. Never a cast that can fail unguarded. */
  bad: string;
}

const given = (column: string) => `coalesce(s.${column}, '') <> ''`;
const staged = `${ROLL_STAGING} o WHERE o.import_id = :import`;

/**
 * A value on an earlier line of the same file (the later lines are reported), among the rows
 * `where` keeps. An uncorrelated subquery (hashed once), not a look-up per row.
 */
const repeatedInFile = (expression: string, where = 'true') =>
  `s.line IN (SELECT line FROM (SELECT o.line, row_number() OVER (PARTITION BY ${expression} ORDER BY o.line) AS n
     FROM ${staged} AND ${where}) AS numbered WHERE n > 1)`;

const dateCheck = (field: string): Check => ({
  field,
  reason: 'invalid_date',
  bad: `import_date(s.${field}) IS NULL`,
});

const isHead = (alias: string) => `roll_relation(${alias}.relation) = 'head'`;

const ROLL_CHECKS: readonly Check[] = [
  { field: 'person_id', reason: 'duplicate_in_file', bad: repeatedInFile('o.person_id') },
  // A family record has one address: its lines must agree with its first line.
  {
    field: 'record_number',
    reason: 'inconsistent',
    bad: `s.line IN (SELECT l.line FROM ${ROLL_STAGING} l JOIN (
        SELECT DISTINCT ON (f.record_number) f.record_number, f.municipal_unit, f.address
        FROM ${ROLL_STAGING} f WHERE f.import_id = :import ORDER BY f.record_number, f.line
      ) AS first ON first.record_number = l.record_number
      WHERE l.import_id = :import
        AND (coalesce(first.municipal_unit, ''), coalesce(first.address, ''))
          IS DISTINCT FROM (coalesce(l.municipal_unit, ''), coalesce(l.address, '')))`,
  },
  { field: 'relation', reason: 'invalid_relation', bad: 'roll_relation(s.relation) IS NULL' },
  {
    field: 'relation',
    reason: 'head_in_file',
    bad: `${isHead('s')} AND ${repeatedInFile('o.record_number', isHead('o'))}`,
  },
  // A head already on the roll who stays the head of this record after the import.
  {
    field: 'relation',
    reason: 'head_on_roll',
    bad: `s.line IN (SELECT o.line FROM ${staged} AND ${isHead('o')}
      AND EXISTS (SELECT 1 FROM roll_records r JOIN roll_persons p ON p.record_id = r.id
        WHERE r.record_number = o.record_number AND p.relation = 'head' AND p.source_id <> o.person_id
          AND NOT EXISTS (SELECT 1 FROM ${ROLL_STAGING} k WHERE k.import_id = :import
            AND k.person_id = p.source_id
            AND (k.record_number <> o.record_number OR roll_relation(k.relation) IS DISTINCT FROM 'head'))))`,
  },
  dateCheck('birth_date'),
  {
    field: 'birth_date',
    reason: 'future_date',
    bad: 'import_date(s.birth_date) > :today::date',
  },
  { field: 'sex', reason: 'invalid_sex', bad: 'roll_sex(s.sex) IS NULL' },
  {
    field: 'marital_status',
    reason: 'invalid_marital_status',
    bad: 'roll_marital_status(s.marital_status) IS NULL',
  },
  { field: 'afm', reason: 'invalid_afm', bad: 'NOT afm_valid(s.afm)' },
  { field: 'afm', reason: 'duplicate_in_file', bad: repeatedInFile('o.afm', "o.afm <> ''") },
  // Another person on the roll has it, and keeps it after the import.
  {
    field: 'afm',
    reason: 'afm_taken',
    bad: `s.line IN (SELECT o.line FROM ${staged}
      AND EXISTS (SELECT 1 FROM roll_persons p WHERE p.afm = o.afm AND p.source_id <> o.person_id
        AND NOT EXISTS (SELECT 1 FROM ${ROLL_STAGING} k WHERE k.import_id = :import
          AND k.person_id = p.source_id AND coalesce(k.afm, '') <> p.afm)))`,
  },
  dateCheck('registered_on'),
  dateCheck('deceased_on'),
  {
    field: 'deceased_on',
    reason: 'before_birth',
    bad: 'import_date(s.deceased_on) < import_date(s.birth_date)',
  },
  dateCheck('struck_off_on'),
];

const MAX_FIELD = 500;

/**
 * Writes the report of an import's staged rows: blank required fields, overlong fields, then each
 * check on the fields given. Returns the number of bad rows (0: the import may be merged).
 */
export async function checkStagedRoll(
  conn: Conn,
  importId: number,
  today: string,
): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error('invalid date');
  const literals = (sql: string) =>
    sql.replaceAll(':import', String(Math.trunc(importId))).replaceAll(':today', `'${today}'`);
  const insert = async (field: string, reason: string, bad: string): Promise<void> => {
    await conn.raw(
      `INSERT INTO roll_import_errors (import_id, line, field, reason, value)
       SELECT s.import_id, s.line, ?, ?, left(s.${field}, 200) FROM ${ROLL_STAGING} s
       WHERE s.import_id = ? AND (${literals(bad)})`,
      [field, reason, importId],
    );
  };
  for (const field of ROLL_REQUIRED) await insert(field, 'required', `NOT ${given(field)}`);
  for (const field of ROLL_COLUMNS)
    await insert(field, 'too_long', `length(s.${field}) > ${MAX_FIELD}`);
  for (const check of ROLL_CHECKS)
    await insert(
      check.field,
      check.reason,
      `${given(check.field)} AND length(s.${check.field}) <= ${MAX_FIELD} AND (${check.bad})`,
    );
  const { rows } = await conn.raw<{ rows: { bad: number }[] }>(
    'SELECT count(DISTINCT line)::int AS bad FROM roll_import_errors WHERE import_id = ?',
    [importId],
  );
  return rows[0]!.bad;
}

import type { Conn } from '../../../db/knex.ts';
import { IMPORT_FORMATS, stagingTable, type ImportKind } from './import-formats.ts';

/**
 * The checks an import's rows pass before anything is merged, as SQL over the staging table (alias
 * `s`): each finds the rows where a field is wrong and writes one report line per row and field.
 * A check runs only on a field that was given: a blank required field is reported once, as
 * 'required'. Reasons are codes; the report page words them (finance.import.reasons.<code>).
 */
interface Check {
  field: string;
  reason: string;
  /** True for a bad row; may use the staging row `s`. Never a cast that can fail unguarded. */
  bad: string;
}

const given = (column: string) => `coalesce(s.${column}, '') <> ''`;
const cents = (column: string) =>
  `NOT CASE WHEN s.${column} ~ '^[0-9]{1,12}$' THEN s.${column}::bigint > 0 ELSE false END`;
const compactRf = (column: string) => `upper(regexp_replace(s.${column}, '[[:space:]]', '', 'g'))`;

/**
 * A value that appears on an earlier line of the same file (the later lines are reported). An
 * uncorrelated subquery (hashed once), not a look-up per row: a file has 100,000 rows.
 * `:import` stands for the import's id (an integer from our own table).
 */
const repeatedInFile = (kind: ImportKind, expression: string) =>
  `s.line IN (SELECT line FROM (SELECT s.line, row_number() OVER (PARTITION BY ${expression} ORDER BY s.line) AS n
     FROM ${stagingTable(kind)} s WHERE s.import_id = :import) AS numbered WHERE n > 1)`;

/** An RF the portal already gives to something else (another debt, fine or instalment). */
const rfTaken = (self: 'debts' | 'fines' | 'arrangement_instalments', sourceMatch: string) => {
  const rf = compactRf('rf');
  const others = (['debts', 'fines', 'arrangement_instalments'] as const)
    .filter((table) => table !== self)
    .map((table) => `EXISTS (SELECT 1 FROM ${table} x WHERE x.rf = ${rf})`);
  return [
    `EXISTS (SELECT 1 FROM ${self} x WHERE x.rf = ${rf} AND NOT (${sourceMatch}))`,
    ...others,
  ].join(' OR ');
};

const rfChecks = (
  kind: ImportKind,
  self: 'debts' | 'fines' | 'arrangement_instalments',
  sourceMatch: string,
): Check[] => [
  { field: 'rf', reason: 'invalid_rf', bad: `NOT rf_valid(${compactRf('rf')})` },
  // The shape of the codes the portal makes (prefix, D/F/I, the row's number): one given in this
  // shape could be made again for another row, and a payment would then count twice.
  {
    field: 'rf',
    reason: 'rf_reserved',
    bad: `${compactRf('rf')} ~ ('^RF[0-9]{2}' || :rfPrefix || '[DFI][0-9]{10,}$')`,
  },
  {
    field: 'rf',
    reason: 'rf_taken',
    bad: `rf_valid(${compactRf('rf')}) AND (${rfTaken(self, sourceMatch)})`,
  },
  { field: 'rf', reason: 'duplicate_in_file', bad: repeatedInFile(kind, compactRf('rf')) },
];

const CHECKS: Record<ImportKind, Check[]> = {
  debts: [
    {
      field: 'source_id',
      reason: 'duplicate_in_file',
      bad: repeatedInFile('debts', 's.source_id'),
    },
    { field: 'afm', reason: 'invalid_afm', bad: 'NOT afm_valid(s.afm)' },
    {
      field: 'type',
      reason: 'unknown_type',
      bad: 'NOT EXISTS (SELECT 1 FROM debt_types t WHERE t.code = upper(s.type))',
    },
    { field: 'amount_cents', reason: 'not_cents', bad: cents('amount_cents') },
    { field: 'due_date', reason: 'invalid_date', bad: 'import_date(s.due_date) IS NULL' },
    ...rfChecks('debts', 'debts', 'x.source_id = s.source_id'),
  ],
  fines: [
    {
      field: 'source_id',
      reason: 'duplicate_in_file',
      bad: repeatedInFile('fines', 's.source_id'),
    },
    {
      field: 'notice_number',
      reason: 'duplicate_in_file',
      bad: repeatedInFile('fines', 's.notice_number'),
    },
    {
      field: 'notice_number',
      reason: 'notice_taken',
      bad: 'EXISTS (SELECT 1 FROM fines x WHERE x.notice_number = s.notice_number AND x.source_id <> s.source_id)',
    },
    {
      field: 'plate',
      reason: 'invalid_plate',
      bad: 'length(plate_key(s.plate)) NOT BETWEEN 2 AND 12',
    },
    { field: 'owner_afm', reason: 'invalid_afm', bad: 'NOT afm_valid(s.owner_afm)' },
    { field: 'offence_date', reason: 'invalid_date', bad: 'import_date(s.offence_date) IS NULL' },
    { field: 'offence_time', reason: 'invalid_time', bad: 'import_time(s.offence_time) IS NULL' },
    { field: 'amount_cents', reason: 'not_cents', bad: cents('amount_cents') },
    { field: 'reduced_amount_cents', reason: 'not_cents', bad: cents('reduced_amount_cents') },
    {
      field: 'reduced_amount_cents',
      reason: 'reduction_too_big',
      bad: `s.reduced_amount_cents ~ '^[0-9]{1,12}$' AND s.amount_cents ~ '^[0-9]{1,12}$'
        AND s.reduced_amount_cents::bigint > s.amount_cents::bigint`,
    },
    {
      field: 'reduced_amount_cents',
      reason: 'reduction_pair',
      bad: "coalesce(s.reduction_deadline, '') = ''",
    },
    {
      field: 'reduction_deadline',
      reason: 'reduction_pair',
      bad: "coalesce(s.reduced_amount_cents, '') = ''",
    },
    {
      field: 'reduction_deadline',
      reason: 'invalid_date',
      bad: 'import_date(s.reduction_deadline) IS NULL',
    },
    { field: 'due_date', reason: 'invalid_date', bad: 'import_date(s.due_date) IS NULL' },
    {
      field: 'status',
      reason: 'invalid_status',
      bad: "lower(s.status) NOT IN ('unpaid', 'paid', 'objection', 'cancelled', 'tax_office')",
    },
    ...rfChecks('fines', 'fines', 'x.source_id = s.source_id'),
  ],
  arrangements: [
    {
      field: 'instalment',
      reason: 'duplicate_in_file',
      bad: repeatedInFile('arrangements', "s.arrangement_id || '#' || ltrim(s.instalment, '0')"),
    },
    {
      field: 'arrangement_id',
      reason: 'inconsistent',
      bad: `s.arrangement_id IN (SELECT arrangement_id FROM finance_staging_arrangements
        WHERE import_id = :import GROUP BY arrangement_id
        HAVING count(DISTINCT (afm, decided_on, debt_source_ids)) > 1)`,
    },
    { field: 'afm', reason: 'invalid_afm', bad: 'NOT afm_valid(s.afm)' },
    { field: 'decided_on', reason: 'invalid_date', bad: 'import_date(s.decided_on) IS NULL' },
    {
      field: 'debt_source_ids',
      reason: 'unknown_debt',
      bad: `EXISTS (SELECT 1 FROM unnest(regexp_split_to_array(trim(s.debt_source_ids), '[[:space:]|]+')) AS listed(source_id)
        WHERE NOT EXISTS (SELECT 1 FROM debts d WHERE d.source_id = listed.source_id AND d.afm = s.afm))`,
    },
    {
      field: 'instalment',
      reason: 'invalid_number',
      bad: "NOT CASE WHEN s.instalment ~ '^[0-9]{1,3}$' THEN s.instalment::int BETWEEN 1 AND 240 ELSE false END",
    },
    { field: 'due_date', reason: 'invalid_date', bad: 'import_date(s.due_date) IS NULL' },
    { field: 'amount_cents', reason: 'not_cents', bad: cents('amount_cents') },
    ...rfChecks(
      'arrangements',
      'arrangement_instalments',
      `EXISTS (SELECT 1 FROM arrangements a WHERE a.id = x.arrangement_id AND a.source_id = s.arrangement_id
        AND x.number::text = ltrim(s.instalment, '0'))`,
    ),
  ],
  payments: [
    {
      field: 'bank_reference',
      reason: 'duplicate_in_file',
      bad: repeatedInFile('payments', 's.bank_reference'),
    },
    {
      field: 'bank_reference',
      reason: 'reference_taken',
      bad: `EXISTS (SELECT 1 FROM payments p WHERE p.bank_reference = s.bank_reference
        AND (p.rf, p.amount_cents::text, p.paid_at) IS DISTINCT FROM
            (${compactRf('rf')}, ltrim(s.amount_cents, '0'), import_timestamp(s.paid_at)))`,
    },
    { field: 'rf', reason: 'invalid_rf', bad: `NOT rf_valid(${compactRf('rf')})` },
    { field: 'amount_cents', reason: 'not_cents', bad: cents('amount_cents') },
    { field: 'paid_at', reason: 'invalid_date', bad: 'import_timestamp(s.paid_at) IS NULL' },
  ],
};

const MAX_FIELD = 500;

/**
 * Writes the report of an import's staged rows: blank required fields, overlong fields, then each
 * check on the fields given. Returns the number of bad rows (0: the import may be merged).
 */
export async function checkStagedRows(
  conn: Conn,
  kind: ImportKind,
  importId: number,
  rfPrefix: string,
): Promise<number> {
  // Both are ours, never typed by anyone: an integer id, and a prefix the config allows only as
  // 1-8 capital letters and digits.
  if (!/^[0-9A-Z]{1,8}$/.test(rfPrefix)) throw new Error('invalid RF prefix');
  const literals = (sql: string) =>
    sql
      .replaceAll(':import', String(Math.trunc(importId)))
      .replaceAll(':rfPrefix', `'${rfPrefix}'`);
  const table = stagingTable(kind);
  const format = IMPORT_FORMATS[kind];
  const insert = async (field: string, reason: string, bad: string): Promise<void> => {
    await conn.raw(
      `INSERT INTO finance_import_errors (import_id, line, field, reason, value)
       SELECT s.import_id, s.line, ?, ?, left(s.${field}, 200) FROM ${table} s
       WHERE s.import_id = ? AND (${literals(bad)})`,
      [field, reason, importId],
    );
  };
  for (const field of format.required) await insert(field, 'required', `NOT ${given(field)}`);
  for (const field of format.columns)
    await insert(field, 'too_long', `length(s.${field}) > ${MAX_FIELD}`);
  for (const check of CHECKS[kind])
    await insert(
      check.field,
      check.reason,
      `${given(check.field)} AND length(s.${check.field}) <= ${MAX_FIELD} AND (${check.bad})`,
    );
  const { rows } = await conn.raw<{ rows: { bad: number }[] }>(
    'SELECT count(DISTINCT line)::int AS bad FROM finance_import_errors WHERE import_id = ?',
    [importId],
  );
  return rows[0]!.bad;
}

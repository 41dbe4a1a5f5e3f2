/**
 * The columns of each import from the financial system (docs/IMPORT-FORMATS.md explains them):
 * a CSV's header names them, in any order; a JSON import's rows use the same names. Required
 * columns must be in the header; extra columns are ignored.
 */
export const IMPORT_KINDS = ['debts', 'fines', 'arrangements', 'payments'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportFormat {
  /** Columns in the staging table's order. */
  columns: readonly string[];
  required: readonly string[];
}

export const IMPORT_FORMATS: Record<ImportKind, ImportFormat> = {
  debts: {
    columns: ['source_id', 'afm', 'type', 'period', 'property', 'amount_cents', 'due_date', 'rf'],
    required: ['source_id', 'afm', 'type', 'period', 'amount_cents', 'due_date'],
  },
  fines: {
    columns: [
      'source_id',
      'notice_number',
      'plate',
      'owner_afm',
      'offence_date',
      'offence_time',
      'place',
      'article',
      'description',
      'amount_cents',
      'reduced_amount_cents',
      'reduction_deadline',
      'due_date',
      'status',
      'rf',
    ],
    required: [
      'source_id',
      'notice_number',
      'plate',
      'offence_date',
      'offence_time',
      'place',
      'article',
      'description',
      'amount_cents',
      'due_date',
      'status',
    ],
  },
  arrangements: {
    columns: [
      'arrangement_id',
      'afm',
      'decided_on',
      'debt_source_ids',
      'instalment',
      'due_date',
      'amount_cents',
      'rf',
    ],
    required: [
      'arrangement_id',
      'afm',
      'decided_on',
      'debt_source_ids',
      'instalment',
      'due_date',
      'amount_cents',
    ],
  },
  payments: {
    columns: ['bank_reference', 'rf', 'amount_cents', 'paid_at'],
    required: ['bank_reference', 'rf', 'amount_cents', 'paid_at'],
  },
};

export const isImportKind = (value: unknown): value is ImportKind =>
  typeof value === 'string' && (IMPORT_KINDS as readonly string[]).includes(value);

/** The staging table of a kind (text columns, validated in SQL before the merge). */
export const stagingTable = (kind: ImportKind) => `finance_staging_${kind}`;

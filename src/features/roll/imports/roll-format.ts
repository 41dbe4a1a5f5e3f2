/**
 * The columns of the roll's export from the registry system (docs/IMPORT-FORMATS.md explains
 * them): one row per person; a CSV's header names them, in any order, and extra columns are
 * ignored. `header`: must be in the header (a blank value means the roll does not know it);
 * `required`: must also have a value on every row; the rest may be left out of the file.
 */
export const ROLL_COLUMNS = [
  'record_number',
  'municipal_unit',
  'address',
  'person_id',
  'relation',
  'surname',
  'given_name',
  'father_name',
  'mother_name',
  'birth_date',
  'birth_place',
  'sex',
  'marital_status',
  'afm',
  'registered_on',
  'deceased_on',
  'struck_off_on',
] as const;
export type RollColumn = (typeof ROLL_COLUMNS)[number];

export const ROLL_REQUIRED: readonly RollColumn[] = [
  'record_number',
  'municipal_unit',
  'person_id',
  'relation',
  'surname',
  'given_name',
  'birth_date',
  'sex',
];

export const ROLL_HEADER: readonly RollColumn[] = [
  ...ROLL_REQUIRED,
  'address',
  'father_name',
  'mother_name',
  'birth_place',
];

/** The staging table: text columns, checked in SQL before the merge. */
export const ROLL_STAGING = 'roll_staging';

import type { Knex } from 'knex';
import { ROLL_STAGING } from './roll-format.ts';

/** What a merge did: persons new, changed and already as the file says; records new and changed. */
export interface RollMergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  recordsInserted: number;
  recordsUpdated: number;
}

/** Counts of an INSERT … ON CONFLICT DO UPDATE … WHERE changed RETURNING (xmax = 0) AS inserted. */
const COUNT_MERGED = `SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
  count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`;

type Counted = { inserted: number; updated: number };

async function counted(trx: Knex.Transaction, sql: string, importId: number): Promise<Counted> {
  const { rows } = await trx.raw<{ rows: Counted[] }>(sql, { importId });
  return rows[0]!;
}

/** Family records, keyed by their number: each takes its unit and address from its first line. */
const MERGE_RECORDS = `WITH firsts AS (
    SELECT DISTINCT ON (s.record_number) s.record_number, s.municipal_unit, nullif(s.address, '') AS address
    FROM ${ROLL_STAGING} s WHERE s.import_id = :importId ORDER BY s.record_number, s.line
  ), merged AS (
    INSERT INTO roll_records AS r (record_number, municipal_unit, address, import_id)
    SELECT record_number, municipal_unit, address, :importId FROM firsts
    ON CONFLICT (record_number) DO UPDATE SET municipal_unit = EXCLUDED.municipal_unit,
      address = EXCLUDED.address, import_id = EXCLUDED.import_id, updated_at = now()
    WHERE (r.municipal_unit, r.address) IS DISTINCT FROM (EXCLUDED.municipal_unit, EXCLUDED.address)
    RETURNING (xmax = 0) AS inserted
  ) ${COUNT_MERGED}`;

/**
 * An AFM moving from one person to another in the same file (the checks allow it only then): the
 * persons whose AFM changes let go of theirs first, so the one-person-per-AFM index never sees
 * two holders on the way. Each of them is counted as changed by the merge that follows.
 */
const RELEASE_CHANGED_AFMS = `UPDATE roll_persons p SET afm = NULL
  FROM ${ROLL_STAGING} s
  WHERE s.import_id = :importId AND s.person_id = p.source_id AND p.afm IS NOT NULL
    AND p.afm IS DISTINCT FROM nullif(s.afm, '')`;

const PERSON_FIELDS = [
  'record_id',
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
];

/** Persons, keyed by the registry's id: a person moving to another record is an update. */
const MERGE_PERSONS = `WITH prepared AS (
    SELECT s.person_id AS source_id, r.id AS record_id, roll_relation(s.relation) AS relation,
      s.surname, s.given_name, coalesce(s.father_name, '') AS father_name,
      coalesce(s.mother_name, '') AS mother_name, import_date(s.birth_date) AS birth_date,
      coalesce(s.birth_place, '') AS birth_place, roll_sex(s.sex) AS sex,
      roll_marital_status(nullif(s.marital_status, '')) AS marital_status, nullif(s.afm, '') AS afm,
      import_date(nullif(s.registered_on, '')) AS registered_on,
      import_date(nullif(s.deceased_on, '')) AS deceased_on,
      import_date(nullif(s.struck_off_on, '')) AS struck_off_on
    FROM ${ROLL_STAGING} s JOIN roll_records r ON r.record_number = s.record_number
    WHERE s.import_id = :importId
  ), merged AS (
    INSERT INTO roll_persons AS p (source_id, ${PERSON_FIELDS.join(', ')}, import_id)
    SELECT source_id, ${PERSON_FIELDS.join(', ')}, :importId FROM prepared
    ON CONFLICT (source_id) DO UPDATE SET
      ${PERSON_FIELDS.map((field) => `${field} = EXCLUDED.${field}`).join(', ')},
      import_id = EXCLUDED.import_id, updated_at = now()
    WHERE (${PERSON_FIELDS.map((field) => `p.${field}`).join(', ')})
      IS DISTINCT FROM (${PERSON_FIELDS.map((field) => `EXCLUDED.${field}`).join(', ')})
    RETURNING (xmax = 0) AS inserted
  ) ${COUNT_MERGED}`;

/**
 * Merges an import's checked rows into the roll (in the caller's transaction). Nobody is removed:
 * the registry says a person left the roll with `struck_off_on` or `deceased_on`, and a file may
 * hold only the records that changed.
 */
export async function mergeStagedRoll(
  trx: Knex.Transaction,
  importId: number,
  rows: number,
): Promise<RollMergeCounts> {
  const records = await counted(trx, MERGE_RECORDS, importId);
  await trx.raw(RELEASE_CHANGED_AFMS, { importId });
  const persons = await counted(trx, MERGE_PERSONS, importId);
  return {
    inserted: persons.inserted,
    updated: persons.updated,
    unchanged: rows - persons.inserted - persons.updated,
    recordsInserted: records.inserted,
    recordsUpdated: records.updated,
  };
}

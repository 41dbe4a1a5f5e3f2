import type { Knex } from 'knex';
import { asStored, ownAfms } from '../identity/personal-data.ts';
import type { Person } from '../module.ts';

/**
 * The person's own entry on the municipal roll (by an AFM the account holds as its own), with
 * the family record it is on (number, community, address). Never the record's other members:
 * they are other citizens. The roll is the municipality's register, imported from its registry
 * system and kept by law, so an account's deletion erases nothing here (nothing here points at
 * the account).
 */
export async function exportRollEntry(
  person: Person,
  conn: Knex,
): Promise<Record<string, unknown>> {
  const afms = await ownAfms(conn, person);
  if (!afms.length) return { entry: null };
  const row = (await conn('roll_persons as p')
    .join('roll_records as r', 'r.id', 'p.record_id')
    .whereIn('p.afm', afms)
    .first(
      'p.surname',
      'p.given_name',
      'p.father_name',
      'p.mother_name',
      'p.birth_date',
      'p.birth_place',
      'p.sex',
      'p.marital_status',
      'p.afm',
      'p.relation',
      'p.registered_on',
      'p.deceased_on',
      'p.struck_off_on',
      'p.updated_at',
      'r.record_number',
      'r.municipal_unit',
      'r.address as record_address',
    )) as Record<string, unknown> | undefined;
  return { entry: row ? asStored(row) : null };
}

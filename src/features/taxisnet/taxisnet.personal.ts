import type { Knex } from 'knex';
import type { Person } from '../module.ts';

/**
 * The account's TaxisNet link: the AFM GSIS gave and when it was linked. The rest of the account
 * is the accounts module's part of the download. TaxisNet keeps nothing in tables of its own, so
 * the account's deletion (which empties the account row, these columns with it) is all there is
 * to erase.
 */
export async function exportTaxisnet(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const row = (await conn('users')
    .where({ id: person.userId })
    .whereNotNull('taxisnet_afm')
    .first('taxisnet_afm', 'taxisnet_linked_at')) as
    { taxisnet_afm: string; taxisnet_linked_at: Date | null } | undefined;
  return {
    link: row
      ? { afm: row.taxisnet_afm, linkedAt: row.taxisnet_linked_at?.toISOString() ?? null }
      : null,
  };
}

import type { Knex } from 'knex';
import { asStored, ownAfms } from '../identity/personal-data.ts';
import type { Person } from '../module.ts';

/**
 * The dues the person sees at /dues (by an AFM the account holds as its own): their debts, their
 * instalment arrangements with each instalment, and the payments matched to them. These are the
 * municipality's financial records, imported from its systems and kept by law, so an account's
 * deletion erases nothing here (nothing here points at the account).
 */
export async function exportDues(person: Person, conn: Knex): Promise<Record<string, unknown>> {
  const afms = await ownAfms(conn, person);
  if (!afms.length) return { debts: [], arrangements: [], payments: [] };
  const debts = (await conn('debts as d')
    .join('debt_types as t', 't.code', 'd.type_code')
    .whereIn('d.afm', afms)
    .orderBy(['d.due_date', 'd.id'])
    .select(
      'd.id',
      'd.afm',
      't.name_el as type_el',
      't.name_en as type_en',
      'd.period',
      'd.property',
      'd.amount_cents',
      'd.paid_cents',
      'd.due_date',
      'd.rf',
      'd.arrangement_id',
      'd.updated_at',
    )) as { id: number | string }[];
  const arrangements = (await conn('arrangements')
    .whereIn('afm', afms)
    .orderBy('id')
    .select('id', 'afm', 'decided_on', 'updated_at')) as { id: number }[];
  const instalments = (await conn('arrangement_instalments')
    .whereIn(
      'arrangement_id',
      arrangements.map((a) => a.id),
    )
    .orderBy(['arrangement_id', 'number'])
    .select('id', 'arrangement_id', 'number', 'due_date', 'amount_cents', 'paid_cents', 'rf')) as {
    id: number | string;
    arrangement_id: number;
  }[];
  const payments = (await conn('payments')
    .where('outcome', 'matched')
    .where((query) =>
      query
        .whereIn(
          'debt_id',
          debts.map((d) => d.id),
        )
        .orWhereIn(
          'instalment_id',
          instalments.map((i) => i.id),
        ),
    )
    .orderBy(['paid_at', 'id'])
    .select('rf', 'amount_cents', 'paid_at', 'debt_id', 'instalment_id')) as object[];
  return {
    debts: debts.map(asStored),
    arrangements: arrangements.map((arrangement) => ({
      ...asStored(arrangement),
      instalments: instalments
        .filter((i) => i.arrangement_id === arrangement.id)
        .map(({ arrangement_id: _a, ...instalment }) => asStored(instalment)),
    })),
    payments: payments.map(asStored),
  };
}

import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/knex.ts';
import { makeRf } from '../../src/lib/rf.ts';

/** Small factories for fines and dues tests: rows as an import leaves them. */
const uniqueBody = (kind: string) =>
  kind +
  BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .toUpperCase();

export interface DebtInput {
  afm: string;
  type?: string;
  period?: string;
  property?: string | null;
  amountCents: number;
  paidCents?: number;
  dueDate: string;
  arrangementId?: number | null;
}

export async function insertDebt(db: Db, input: DebtInput): Promise<{ id: number; rf: string }> {
  const rf = makeRf(uniqueBody('TD'));
  const [row] = await db('debts')
    .insert({
      source_id: rf,
      afm: input.afm,
      type_code: input.type ?? 'TAP',
      period: input.period ?? '2026',
      property: input.property === undefined ? 'Οδός Κουντούρου 12' : input.property,
      amount_cents: input.amountCents,
      paid_cents: input.paidCents ?? 0,
      due_date: input.dueDate,
      rf,
      arrangement_id: input.arrangementId ?? null,
    })
    .returning<{ id: string }[]>('id');
  return { id: Number(row!.id), rf };
}

export interface FineInput {
  noticeNumber: string;
  plate: string;
  ownerAfm?: string | null;
  offenceAt: string;
  place?: string;
  article?: string;
  description?: string;
  amountCents: number;
  reducedAmountCents?: number | null;
  reductionDeadline?: string | null;
  dueDate: string;
  status?: 'unpaid' | 'paid' | 'objection' | 'cancelled' | 'tax_office';
  paidCents?: number;
}

export async function insertFine(db: Db, input: FineInput): Promise<{ id: number; rf: string }> {
  const rf = makeRf(uniqueBody('TF'));
  const { rows } = await db.raw<{ rows: { id: string }[] }>(
    `INSERT INTO fines (source_id, notice_number, plate, plate_key, owner_afm, offence_at, place, article,
       description, amount_cents, reduced_amount_cents, reduction_deadline, due_date, status, paid_cents, rf)
     VALUES (?, ?, ?, plate_key(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      rf,
      input.noticeNumber,
      input.plate,
      input.plate,
      input.ownerAfm ?? null,
      input.offenceAt,
      input.place ?? 'Πλατεία Ηρώων Πολυτεχνείου, Άγιος Νικόλαος',
      input.article ?? 'Άρθρο 34 παρ. 1',
      input.description ?? 'Στάθμευση σε θέση ΑμεΑ',
      input.amountCents,
      input.reducedAmountCents ?? null,
      input.reductionDeadline ?? null,
      input.dueDate,
      input.status ?? 'unpaid',
      input.paidCents ?? 0,
      rf,
    ],
  );
  return { id: Number(rows[0]!.id), rf };
}

export interface ArrangementInput {
  afm: string;
  decidedOn: string;
  instalments: { dueDate: string; amountCents: number; paidCents?: number }[];
}

export async function insertArrangement(
  db: Db,
  input: ArrangementInput,
): Promise<{ id: number; instalments: { id: number; rf: string }[] }> {
  const [arrangement] = await db('arrangements')
    .insert({ source_id: uniqueBody('TA'), afm: input.afm, decided_on: input.decidedOn })
    .returning<{ id: number }[]>('id');
  const instalments = [];
  for (const [i, instalment] of input.instalments.entries()) {
    const rf = makeRf(uniqueBody('TI'));
    const [row] = await db('arrangement_instalments')
      .insert({
        arrangement_id: arrangement!.id,
        number: i + 1,
        due_date: instalment.dueDate,
        amount_cents: instalment.amountCents,
        paid_cents: instalment.paidCents ?? 0,
        rf,
      })
      .returning<{ id: string }[]>('id');
    instalments.push({ id: Number(row!.id), rf });
  }
  return { id: arrangement!.id, instalments };
}

/** A matched payment of a debt (as reconciliation leaves it), for the payment history. */
export async function insertDebtPayment(
  db: Db,
  input: { debtId: number; rf: string; amountCents: number; paidAt: string },
): Promise<void> {
  await db('payments').insert({
    bank_reference: uniqueBody('TB'),
    rf: input.rf,
    amount_cents: input.amountCents,
    paid_at: input.paidAt,
    outcome: 'matched',
    debt_id: input.debtId,
  });
}

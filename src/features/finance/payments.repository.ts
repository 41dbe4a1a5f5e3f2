import type { Conn } from '../../db/knex.ts';

export interface UnresolvedPaymentRow {
  id: number;
  bank_reference: string;
  rf: string;
  amount_cents: string;
  paid_at: Date;
  outcome: 'unknown' | 'duplicate';
  import_id: number | null;
  resolved_at: Date | null;
  resolution_note: string | null;
  resolved_by_name: string | null;
}

const UNRESOLVED = (conn: Conn) =>
  conn('payments').whereNot('outcome', 'matched').whereNull('resolved_at');

/** Payments the finance office must look at: to an unknown RF, or to one already paid. */
export async function countUnresolvedPayments(conn: Conn): Promise<number> {
  const row = await UNRESOLVED(conn).count<{ count: string }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

export function listPaymentsToResolve(
  conn: Conn,
  options: { resolved: boolean; limit: number },
): Promise<UnresolvedPaymentRow[]> {
  const query = conn('payments as p')
    .leftJoin('users as u', 'u.id', 'p.resolved_by')
    .select(
      'p.id',
      'p.bank_reference',
      'p.rf',
      'p.amount_cents',
      'p.paid_at',
      'p.outcome',
      'p.import_id',
      'p.resolved_at',
      'p.resolution_note',
      'u.full_name as resolved_by_name',
    )
    .whereNot('p.outcome', 'matched')
    .limit(options.limit);
  return options.resolved
    ? query.whereNotNull('p.resolved_at').orderBy('p.resolved_at', 'desc')
    : query.whereNull('p.resolved_at').orderBy([{ column: 'p.paid_at' }, { column: 'p.id' }]);
}

/** Marks one as dealt with (refunded, booked by hand in the financial system); false if it was already. */
export async function resolvePayment(
  conn: Conn,
  id: number,
  by: number,
  note: string,
): Promise<boolean> {
  const updated = await UNRESOLVED(conn)
    .where({ id })
    .update({ resolved_at: conn.fn.now(), resolved_by: by, resolution_note: note });
  return updated === 1;
}

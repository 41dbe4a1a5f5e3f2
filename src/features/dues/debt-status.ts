import type { Deps } from '../../deps.ts';
import { athensDate } from '../../lib/format.ts';
import { DEBT_STATUS_SQL } from './dues.repository.ts';

export interface OverdueItem {
  kind: 'debt' | 'instalment' | 'fine';
  id: number;
  rf: string;
  dueDate: string;
  remainingCents: number;
  /** A debt's kind and period. */
  typeName: { el: string; en: string } | null;
  period: string | null;
  /** An instalment's arrangement and number. */
  arrangementId: number | null;
  number: number | null;
  /** A fine's notice. */
  noticeNumber: string | null;
}

export interface DebtStatus {
  /** Nothing overdue: what the no-debt certificate (δημοτική ενημερότητα) asks. */
  clear: boolean;
  /** Everything left to pay, what is not yet due included. */
  outstandingCents: number;
  overdueCents: number;
  /** What makes it not clear, oldest first. */
  overdue: OverdueItem[];
}

/**
 * What a person owes the municipality on a day (Athens), from the finance tables alone:
 * - a debt with something left to pay, not in an arrangement (its instalments count instead);
 * - an arrangement's instalment with something left to pay;
 * - a traffic fine in the person's name still 'unpaid' (objections, cancelled and those passed to
 *   the tax office are not the municipality's to collect here), at its full amount less what
 *   was paid.
 * Overdue: past its due date. Clear: nothing overdue, whatever is still to fall due.
 */
export async function debtStatus(
  deps: Pick<Deps, 'db' | 'clock'>,
  afm: string,
): Promise<DebtStatus> {
  const today = athensDate(deps.clock.now());
  const { rows } = await deps.db.raw<{
    rows: { outstanding_cents: number; overdue_cents: number; overdue: OverdueItem[] }[];
  }>(DEBT_STATUS_SQL, { afm, today });
  return statusOf(rows[0]!);
}

/** The status as DEBT_STATUS_SQL's row gives it (alone, or within the overview's statement). */
export function statusOf(row: {
  outstanding_cents: number;
  overdue_cents: number;
  overdue: OverdueItem[];
}): DebtStatus {
  return {
    clear: row.overdue.length === 0,
    outstandingCents: row.outstanding_cents,
    overdueCents: row.overdue_cents,
    overdue: row.overdue,
  };
}

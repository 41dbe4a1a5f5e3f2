import { addDays } from '../../lib/dates.ts';
import type { FineRow } from './fines.repository.ts';

/** A fine's reduction and objection deadline: the financial system's own, else the dated rule's. */
export interface FineTerms {
  /** The rule in effect on the offence day (undefined: the offence is older than every rule). */
  ruleFrom?: string;
  reduction?: { amountCents: number; deadline: string; fromRule: boolean };
  objectionDeadline?: string;
}

/**
 * amount × (100 − percent) / 100 in whole cents, rounded to the nearest cent with half a cent
 * going up (integers only: no floating point touches the amount).
 */
export function reducedAmount(amountCents: number, percent: number): number {
  return Math.floor((amountCents * (100 - percent) + 50) / 100);
}

export function termsOf(fine: FineRow): FineTerms {
  const terms: FineTerms = {};
  if (fine.rule_from) terms.ruleFrom = fine.rule_from;
  if (fine.reduced_amount_cents !== null && fine.reduction_deadline)
    terms.reduction = {
      amountCents: fine.reduced_amount_cents,
      deadline: fine.reduction_deadline,
      fromRule: false,
    };
  else if (fine.reduction_percent && fine.reduction_days)
    terms.reduction = {
      amountCents: reducedAmount(fine.amount_cents, fine.reduction_percent),
      deadline: addDays(fine.offence_date, fine.reduction_days),
      fromRule: true,
    };
  if (fine.objection_days)
    terms.objectionDeadline = addDays(fine.offence_date, fine.objection_days);
  return terms;
}

/** The status a citizen reads: a pending objection shows as "under objection". */
export function shownStatus(fine: Pick<FineRow, 'status' | 'pending_objection'>): string {
  return fine.pending_objection && fine.status === 'unpaid' ? 'objection' : fine.status;
}

/**
 * Why this citizen cannot file an objection today, or undefined when they can. A fine takes one
 * objection at a time, and one per capacity, ever: the verified owner (`isOwner`) keeps theirs
 * whatever a driver filed.
 */
export function objectionClosedReason(
  fine: FineRow,
  terms: FineTerms,
  today: string,
  isOwner: boolean,
): 'paid' | 'cancelled' | 'tax_office' | 'noRule' | 'deadline' | 'pending' | 'decided' | undefined {
  if (fine.pending_objection) return 'pending';
  const used = fine.objection_capacities;
  if (used.includes('driver') && !(isOwner && !used.includes('owner'))) return 'decided';
  if (fine.status === 'paid' || fine.status === 'cancelled' || fine.status === 'tax_office')
    return fine.status;
  if (!terms.objectionDeadline) return 'noRule';
  if (today > terms.objectionDeadline) return 'deadline';
  return undefined;
}

/** The capacities still open to this citizen: the owner's (if they are the verified owner), the driver's. */
export function openCapacities(fine: FineRow, isOwner: boolean): ('owner' | 'driver')[] {
  const used = fine.objection_capacities;
  return (['owner', 'driver'] as const).filter(
    (capacity) => !used.includes(capacity) && (capacity === 'driver' || isOwner),
  );
}

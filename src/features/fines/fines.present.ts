import type { Request } from 'express';
import { athensDateTime, formatDate, formatMoney } from '../../lib/format.ts';
import type { FineRow } from './fines.repository.ts';
import { shownStatus, termsOf } from './fines.terms.ts';

/** A fine as its page (citizen's or staff's) shows it, in the page's language. */
export function presentFine(req: Request, fine: FineRow, today: string) {
  const terms = termsOf(fine);
  const status = shownStatus(fine);
  return {
    id: fine.id,
    noticeNumber: fine.notice_number,
    plate: fine.plate,
    date: formatDate(fine.offence_date, req.lang),
    time: athensDateTime(fine.offence_at).slice(11, 16),
    place: fine.place,
    article: fine.article,
    description: fine.description,
    amount: formatMoney(fine.amount_cents, req.lang),
    paid: fine.paid_cents > 0 ? formatMoney(fine.paid_cents, req.lang) : '',
    reduction: terms.reduction && {
      amount: formatMoney(terms.reduction.amountCents, req.lang),
      deadline: formatDate(terms.reduction.deadline, req.lang),
      passed: today > terms.reduction.deadline,
      fromRule: terms.reduction.fromRule,
    },
    dueDate: formatDate(fine.due_date, req.lang),
    status,
    statusText: req.t(`fines.status.${status}`),
    payable: ['unpaid', 'objection'].includes(fine.status),
    rf: fine.rf,
    objectionDeadline: terms.objectionDeadline ? formatDate(terms.objectionDeadline, req.lang) : '',
    objectionDeadlinePassed: terms.objectionDeadline ? today > terms.objectionDeadline : false,
    rulesAsOf: terms.ruleFrom ? formatDate(terms.ruleFrom, req.lang) : '',
  };
}

export type PresentedFine = ReturnType<typeof presentFine>;

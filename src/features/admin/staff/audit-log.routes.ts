import { Router, type Request } from 'express';
import type { Deps } from '../../../deps.ts';
import {
  datePartsToIso,
  dateProblemKey,
  isEmptyDate,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import { plainAddress } from '../../audit/audit.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { auditActionsOf } from '../../registry.ts';
import { searchAuditLog } from './audit-log.repository.ts';

const PAGE = 50;

interface AuditLogForm {
  actor: string;
  action: string;
  from: DateParts;
  to: DateParts;
}

/** The filter form as sent (an unknown action is no filter). */
function readFilters(query: Record<string, unknown>, actions: readonly string[]): AuditLogForm {
  return {
    actor: typeof query.actor === 'string' ? query.actor.trim().slice(0, 64) : '',
    action: typeof query.action === 'string' && actions.includes(query.action) ? query.action : '',
    from: readDateParts(query, 'from'),
    to: readDateParts(query, 'to'),
  };
}

/** The dates as YYYY-MM-DD: an empty date is no filter; a date that is not one is said so, at its field. */
function readDates(req: Request, values: AuditLogForm) {
  const errors: FormError[] = [];
  const dates: { from?: string; to?: string } = {};
  for (const field of ['from', 'to'] as const) {
    if (isEmptyDate(values[field])) continue;
    const date = datePartsToIso(values[field]);
    if (date.problem)
      errors.push({
        field,
        key: dateProblemKey(date.problem),
        params: { field: req.t(`staff.audit.${field}`) },
      });
    else dates[field] = date.iso;
  }
  if (dates.from && dates.to && dates.from > dates.to)
    errors.push({ field: 'to', key: 'staff.import.errors.order' });
  return { dates, errors };
}

/** The address of page `page` with the same filters. */
function pageHref(values: AuditLogForm, page: number): string {
  const search = new URLSearchParams();
  if (values.actor) search.set('actor', values.actor);
  if (values.action) search.set('action', values.action);
  for (const field of ['from', 'to'] as const)
    for (const part of ['day', 'month', 'year'] as const)
      if (values[field][part]) search.set(`${field}-${part}`, values[field][part]);
  search.set('page', String(page));
  return `/staff/audit?${search.toString()}`;
}

/** /staff/audit: the audit log with filters (admins only). */
export function createAuditLogRouter(deps: Deps): Router {
  const router = Router();
  const actions = auditActionsOf(deps.modules);
  router.get('/', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const values = readFilters(q, actions);
    const { dates, errors } = readDates(req, values);
    const page = Math.min(
      1000,
      Math.max(1, Number.parseInt(typeof q.page === 'string' ? q.page : '1', 10) || 1),
    );
    const rows = errors.length
      ? []
      : await searchAuditLog(
          deps.db,
          { actor: values.actor, action: values.action, ...dates },
          { number: page, size: PAGE },
        );
    res.status(errors.length ? 400 : 200).render('admin/staff/views/audit', {
      pageTitle: req.t('staff.audit.title'),
      values,
      actions,
      rows: rows.slice(0, PAGE).map((row) => ({ ...row, ip: plainAddress(row.ip) })),
      page,
      previousHref: page > 1 && !errors.length ? pageHref(values, page - 1) : null,
      nextHref: rows.length > PAGE ? pageHref(values, page + 1) : null,
      ...presentFormErrors(req, errors, ['from', 'to']),
    });
  });
  return router;
}

import { Router } from 'express';
import type { Deps } from '../../../deps.ts';
import {
  addDays,
  datePartsToIso,
  dateProblemKey,
  isEmptyDate,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import { auditQuery, plainAddress, type AuditRow } from '../../audit/audit.repository.ts';
import { MUNICIPALITY_TIME_ZONE } from '../../../lib/format.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { auditActionsOf } from '../../registry.ts';

const PAGE = 50;

/** /staff/audit: the audit log with filters (admins only). */
export function createAuditLogRouter(deps: Deps): Router {
  const router = Router();
  const actions = auditActionsOf(deps.modules);
  router.get('/', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const values = {
      actor: typeof q.actor === 'string' ? q.actor.trim().slice(0, 64) : '',
      action: typeof q.action === 'string' && actions.includes(q.action) ? q.action : '',
      from: readDateParts(q, 'from'),
      to: readDateParts(q, 'to'),
    };
    // An empty date is no filter; a date that is not one is said so, at its field.
    const errors: FormError[] = [];
    const dates: { from?: string; to?: string } = {};
    for (const field of ['from', 'to'] as const) {
      const parts: DateParts = values[field];
      if (isEmptyDate(parts)) continue;
      const date = datePartsToIso(parts);
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
    const page = Math.min(
      1000,
      Math.max(1, Number.parseInt(typeof q.page === 'string' ? q.page : '1', 10) || 1),
    );
    let rows: AuditRow[] = [];
    if (!errors.length) {
      const query = auditQuery(deps.db);
      if (values.actor) query.whereRaw('lower(actor.username) = ?', [values.actor.toLowerCase()]);
      if (values.action) query.where('a.action', values.action);
      // Days are Athens days, as the times in the list are: midnight there, summer time or not.
      const athensMidnight = `(?::date)::timestamp AT TIME ZONE '${MUNICIPALITY_TIME_ZONE}'`;
      if (dates.from) query.whereRaw(`a.at >= ${athensMidnight}`, [dates.from]);
      if (dates.to) query.whereRaw(`a.at < ${athensMidnight}`, [addDays(dates.to, 1)]);
      rows = (await query
        .orderBy('a.id', 'desc')
        .limit(PAGE + 1)
        .offset((page - 1) * PAGE)) as AuditRow[];
    }
    const params = (p: number) => {
      const search = new URLSearchParams();
      if (values.actor) search.set('actor', values.actor);
      if (values.action) search.set('action', values.action);
      for (const field of ['from', 'to'] as const)
        for (const part of ['day', 'month', 'year'] as const)
          if (values[field][part]) search.set(`${field}-${part}`, values[field][part]);
      search.set('page', String(p));
      return search.toString();
    };
    res.status(errors.length ? 400 : 200).render('staff/admin/audit', {
      pageTitle: req.t('staff.audit.title'),
      values,
      actions,
      rows: rows.slice(0, PAGE).map((row) => ({ ...row, ip: plainAddress(row.ip) })),
      page,
      previousHref: page > 1 && !errors.length ? `/staff/audit?${params(page - 1)}` : null,
      nextHref: rows.length > PAGE ? `/staff/audit?${params(page + 1)}` : null,
      ...presentFormErrors(req, errors, ['from', 'to']),
    });
  });
  return router;
}

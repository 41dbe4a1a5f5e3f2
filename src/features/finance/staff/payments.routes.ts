import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { formatDateTime, formatMoney, formatPaidAt } from '../../../lib/format.ts';
import { auditContext, recordAudit } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { listPaymentsToResolve, resolvePayment } from '../payments.repository.ts';

const NOTE_MAX = 1000;

/**
 * /staff/finance/payments: payments the reconciliation could not apply (an RF nobody has, or one
 * already paid in full), kept until someone in the finance office says what was done about them.
 */
export function createPaymentsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/', (req, res) => renderList(deps, req, res, {}, []));
  router.post('/:id/resolve', async (req, res) => {
    if (!/^[1-9]\d{0,15}$/.test(String(req.params.id))) throw new NotFoundError();
    const id = Number(req.params.id);
    const { note } = formFields(req.body, ['note']);
    const text = note.trim();
    const errors: FieldError[] = [];
    if (!text) errors.push({ field: `note-${id}`, key: 'finance.payments.errors.note' });
    else if (text.length > NOTE_MAX)
      errors.push({
        field: `note-${id}`,
        key: 'finance.payments.errors.noteLong',
        params: { max: NOTE_MAX },
      });
    if (errors.length) return renderList(deps, req, res, { [id]: note }, errors);
    const done = await deps.db.transaction(async (trx) => {
      const resolved = await resolvePayment(trx, id, req.user!.id, text);
      if (resolved)
        await recordAudit(
          trx,
          {
            action: 'finance.payment_resolved',
            actorId: req.user!.id,
            entity: { type: 'payment', id },
            details: { note: text },
          },
          auditContext(req),
        );
      return resolved;
    });
    req.session.flash = {
      key: done ? 'finance.payments.resolved' : 'finance.payments.alreadyResolved',
    };
    res.redirect(303, '/staff/finance/payments');
  });
  return router;
}

async function renderList(
  deps: Deps,
  req: Request,
  res: Response,
  notes: Record<number, string>,
  errors: FieldError[],
): Promise<void> {
  const [open, resolved] = await Promise.all([
    listPaymentsToResolve(deps.db, { resolved: false, limit: 500 }),
    listPaymentsToResolve(deps.db, { resolved: true, limit: 50 }),
  ]);
  const present = (row: (typeof open)[number]) => ({
    ...row,
    amount: formatMoney(Number(row.amount_cents), req.lang),
    paidAt: formatPaidAt(row.paid_at, req.lang),
    resolvedAt: row.resolved_at ? formatDateTime(row.resolved_at, req.lang) : '',
    outcomeLabel: req.t(`finance.payments.outcomes.${row.outcome}`),
    note: notes[row.id] ?? '',
  });
  res.status(errors.length ? 400 : 200).render('finance/staff/views/payments', {
    pageTitle: req.t('finance.payments.title'),
    open: open.map(present),
    resolved: resolved.map(present),
    ...presentFormErrors(req, errors),
    breadcrumbs: [
      { href: '/staff', text: req.t('staff.home.title') },
      { href: '/staff/finance', text: req.t('staff.nav.finance') },
    ],
  });
}

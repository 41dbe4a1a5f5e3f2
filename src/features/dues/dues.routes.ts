import { Router, type Request, type RequestHandler } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDate } from '../../lib/format.ts';
import { requireVerifiedCitizen } from '../../middleware/auth.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { duesFormat } from './dues.present.ts';
import { statusOf } from './debt-status.ts';
import { findDebt, listDebtPayments, loadOverview, PAYMENTS_SHOWN } from './dues.repository.ts';
import { sendStatement } from './statement.ts';

export const DUES_HUB_ENTRY: HubEntry = {
  id: 'dues',
  href: '/dues',
  titleKey: 'dues.hub.title',
  descriptionKey: 'dues.hub.description',
  access: 'verified',
};

/**
 * /dues: a verified citizen's municipal dues by the AFM a clerk recorded (debts, arrangements,
 * payments, whether anything is overdue); /dues/<id>: one of their debts; /dues/statement.pdf.
 * Nothing is paid here: every amount and code comes from the financial system's tables.
 */
export function createDuesRouter(deps: Deps): Router {
  const router = Router();
  router.get('/dues', requireVerifiedCitizen, overviewPage(deps));
  router.get('/dues/statement.pdf', requireVerifiedCitizen, statementPdf(deps));
  router.get('/dues/:id', requireVerifiedCitizen, debtPage(deps));
  return router;
}

const todayOf = (deps: Pick<Deps, 'clock'>) => athensDate(deps.clock.now());

function overviewPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const afm = req.user!.afm;
    const common = { pageTitle: req.t('dues.overview.title'), format: duesFormat(req.lang), afm };
    if (!afm) {
      res.render('dues/views/overview', { ...common, noAfm: true });
      return;
    }
    const { debts, fines, totals, arrangements, payments, status } = await loadOverview(
      deps.db,
      afm,
      todayOf(deps),
    );
    const instalmentsLeft = arrangements.reduce((sum, a) => sum + Number(a.remaining_cents), 0);
    const finesLeft = fines.reduce((sum, fine) => sum + Number(fine.remaining_cents), 0);
    res.render('dues/views/overview', {
      ...common,
      noAfm: false,
      openDebts: debts.filter((debt) => debt.status !== 'paid' && debt.status !== 'arranged'),
      paidDebts: debts.filter((debt) => debt.status === 'paid'),
      totals,
      fines,
      // What "in all you owe" is made of, each part shown where it is listed below.
      owedParts: {
        debts: Number(totals.remaining_cents),
        instalments: instalmentsLeft,
        fines: finesLeft,
      },
      arrangements: arrangements.map((arrangement) => ({
        ...arrangement,
        next: arrangement.instalments.find((instalment) => instalment.status !== 'paid'),
        debts: debts.filter((debt) => debt.arrangement_id === arrangement.id),
      })),
      payments: payments.slice(0, PAYMENTS_SHOWN),
      morePayments: payments.length > PAYMENTS_SHOWN,
      status: statusOf(status),
    });
  };
}

/** The debt at this address, if it is the signed-in citizen's; 404 for anyone else's. */
async function ownDebt(deps: Deps, req: Request) {
  const id = String(req.params.id);
  const afm = req.user!.afm;
  const debt =
    afm && /^[1-9]\d{0,17}$/.test(id)
      ? await findDebt(deps.db, afm, Number(id), todayOf(deps))
      : undefined;
  if (!debt) throw new NotFoundError();
  return debt;
}

function debtPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const debt = await ownDebt(deps, req);
    const format = duesFormat(req.lang);
    res.render('dues/views/debt', {
      pageTitle: `${format.typeName(debt)} ${debt.period}`,
      format,
      debt,
      payments: await listDebtPayments(deps.db, debt.id),
    });
  };
}

function statementPdf(deps: Deps): RequestHandler {
  return async (req, res) => {
    const user = req.user!;
    if (!user.afm) throw new NotFoundError();
    const today = todayOf(deps);
    const { debts, fines, totals, arrangements, status } = await loadOverview(
      deps.db,
      user.afm,
      today,
    );
    await sendStatement(deps, req, res, {
      user,
      afm: user.afm,
      today,
      debts: debts.filter((debt) => debt.status !== 'paid' && debt.status !== 'arranged'),
      fines,
      totals,
      arrangements,
      status: statusOf(status),
    });
  };
}

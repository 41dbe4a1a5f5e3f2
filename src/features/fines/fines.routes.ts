import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { hitRateLimit, type RateLimitRule } from '../../lib/rate-limit.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { presentFine } from './fines.present.ts';
import {
  findByNoticeAndPlate,
  findVisibleFine,
  listVisibleFines,
  recordAccess,
  isVerifiedOwner,
  verifiedAfm,
} from './fines.repository.ts';
import { lookupSchema } from './fines.schemas.ts';
import { objectionClosedReason, termsOf } from './fines.terms.ts';
import { listOwnObjections } from './objections.repository.ts';

export const FINES_HUB_ENTRY: HubEntry = {
  id: 'fines',
  href: '/fines',
  titleKey: 'fines.hub.title',
  descriptionKey: 'fines.hub.description',
  access: 'account',
};

/** Look-ups per account: enough for a household's notices, too few to guess plates. */
export const LOOKUP_LIMIT: RateLimitRule = {
  name: 'fines-lookup:account',
  limit: 10,
  windowSeconds: 60 * 60,
};

/** A fine's id in an address (404 for anything else). */
export function fineIdParam(req: Request): number {
  const text = String(req.params.id);
  if (!/^[1-9]\d{0,17}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

/**
 * /fines: the look-up by notice number and plate (a POST: plates stay out of addresses and logs)
 * and the fines the citizen has looked up or, once verified, owns; /fines/<id>: one of those.
 */
export function createFinesRouter(deps: Deps): Router {
  const router = Router();
  router.get('/fines', requireCitizen, (req, res) => renderList(deps, req, res));
  router.post('/fines', requireCitizen, lookUp(deps));
  router.get('/fines/:id', requireCitizen, finePage(deps));
  return router;
}

async function renderList(
  deps: Deps,
  req: Request,
  res: Response,
  form: { values?: Record<string, string>; errors?: FieldError[]; status?: number } = {},
): Promise<void> {
  const today = athensDate(deps.clock.now());
  const fines = await listVisibleFines(deps.db, req.user!);
  const errors = form.errors ?? [];
  res.status(form.status ?? (errors.length ? 400 : 200)).render('fines/views/list', {
    pageTitle: req.t('fines.list.title'),
    values: form.values ?? { noticeNumber: '', plate: '' },
    verified: verifiedAfm(req.user!) !== null,
    fines: fines.map((fine) => presentFine(req, fine, today)),
    ...presentErrors(req, errors),
  });
}

function lookUp(deps: Deps): RequestHandler {
  return async (req, res) => {
    const values = formFields(req.body, ['noticeNumber', 'plate']);
    const parsed = parseForm(lookupSchema, values);
    if (!parsed.ok) return renderList(deps, req, res, { values, errors: parsed.errors });
    const allowed = await hitRateLimit(deps.db, deps.clock, LOOKUP_LIMIT, String(req.user!.id));
    if (!allowed)
      return renderList(deps, req, res, {
        values,
        status: 429,
        errors: [{ field: 'noticeNumber', key: 'fines.lookup.errors.tooMany' }],
      });
    const id = await findByNoticeAndPlate(deps.db, parsed.data.noticeNumber, parsed.data.plate);
    if (!id)
      return renderList(deps, req, res, {
        values,
        errors: [{ field: 'noticeNumber', key: 'fines.lookup.errors.notFound' }],
      });
    await recordAccess(deps.db, req.user!.id, id);
    res.redirect(303, `/fines/${id}`);
  };
}

function finePage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const fine = await findVisibleFine(deps.db, req.user!, fineIdParam(req));
    if (!fine) throw new NotFoundError();
    const today = athensDate(deps.clock.now());
    const objections = await listOwnObjections(deps.db, fine.id, req.user!.id);
    res.render('fines/views/fine', {
      pageTitle: req.t('fines.fine.title', { number: fine.notice_number }),
      breadcrumbs: [{ href: '/fines', text: req.t('fines.list.title') }],
      fine: presentFine(req, fine, today),
      closedReason: objectionClosedReason(
        fine,
        termsOf(fine),
        today,
        isVerifiedOwner(req.user!, fine),
      ),
      objections: objections.map((objection) => ({
        status: objection.status,
        submittedOn: formatDate(athensDate(objection.created_at), req.lang),
        decidedOn: objection.decided_at
          ? formatDate(athensDate(objection.decided_at), req.lang)
          : '',
        reason: objection.decision_reason ?? '',
      })),
    });
  };
}

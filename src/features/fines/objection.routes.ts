import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { athensDate } from '../../lib/format.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { fineIdParam } from './fines.routes.ts';
import { presentFine } from './fines.present.ts';
import { findVisibleFine, isVerifiedOwner } from './fines.repository.ts';
import { objectionSchema, OBJECTION_TEXT_MAX } from './fines.schemas.ts';
import { objectionClosedReason, termsOf } from './fines.terms.ts';
import { OBJECTION_MAX_FILES, objectionUpload } from './objection-upload.ts';
import { fileObjection } from './objections.service.ts';

const FIELDS = ['capacity', 'driverAfm', 'declaration', 'text'] as const;
type ObjectionForm = Record<(typeof FIELDS)[number], string>;

/** /fines/<id>/objection: the objection form (text and files), open until the deadline. */
export function createObjectionRouter(deps: Deps, protectUpload: RequestHandler): Router {
  const router = Router();
  router.get('/fines/:id/objection', requireCitizen, (req, res) =>
    renderForm(deps, req, res, fineIdParam(req)),
  );
  router.post(
    '/fines/:id/objection',
    requireCitizen,
    objectionUpload(),
    protectUpload,
    submit(deps),
  );
  return router;
}

async function renderForm(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: { values?: ObjectionForm; errors?: FieldError[] } = {},
): Promise<void> {
  const fine = await findVisibleFine(deps.db, req.user!, id);
  if (!fine) throw new NotFoundError();
  const today = athensDate(deps.clock.now());
  const isOwner = isVerifiedOwner(req.user!, fine);
  const errors = form.errors ?? [];
  res.status(errors.length ? 400 : 200).render('fines/views/objection', {
    pageTitle: req.t('fines.objection.title'),
    breadcrumbs: [
      { href: '/fines', text: req.t('fines.list.title') },
      {
        href: `/fines/${fine.id}`,
        text: req.t('fines.fine.title', { number: fine.notice_number }),
      },
    ],
    fine: presentFine(req, fine, today),
    closedReason: objectionClosedReason(fine, termsOf(fine), today, isOwner),
    isOwner,
    maxFiles: OBJECTION_MAX_FILES,
    maxText: OBJECTION_TEXT_MAX,
    values: form.values ?? {
      capacity: isOwner ? '' : 'driver',
      driverAfm: '',
      declaration: '',
      text: '',
    },
    ...presentErrors(req, errors),
  });
}

function submit(deps: Deps): RequestHandler {
  return async (req, res) => {
    const id = fineIdParam(req);
    const values = formFields(req.body, FIELDS);
    const parsed = parseForm(objectionSchema, values);
    const fileError = res.locals.objectionFilesError;
    // A browser never sends a chosen file again: say so when the form comes back with files lost.
    const sentFiles = (res.locals.objectionFiles ?? []).length > 0;
    const errors: FieldError[] = [
      ...(parsed.ok ? [] : parsed.errors),
      ...(fileError ? [fileError] : []),
    ];
    if (errors.length && sentFiles && !fileError)
      errors.push({ field: 'files', key: 'fines.objection.errors.filesAgain' });
    if (errors.length || !parsed.ok) return renderForm(deps, req, res, id, { values, errors });
    const result = await fileObjection(
      deps,
      req.user!,
      id,
      { ...parsed.data, files: res.locals.objectionFiles ?? [] },
      auditContext(req),
    );
    if (result === 'not-found') throw new NotFoundError();
    if (result.length) return renderForm(deps, req, res, id, { values, errors: result });
    req.session.flash = { key: 'fines.objection.submitted' };
    res.redirect(303, `/fines/${id}`);
  };
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import { moduleConfig } from '../../../config.ts';
import type { Db } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { auditContext, historyOf } from '../../audit/audit.repository.ts';
import { pdfUpload } from '../../staff/pdf-upload.ts';
import { decisionsConfig } from '../decisions.config.ts';
import { decisionFormValues } from './decision-form.ts';
import {
  numberText,
  renderDecisionForm,
  renderEditorList,
  saveDecision,
} from './decisions-editor.pages.ts';
import { findForEditors, type EditorDecisionRow } from './decisions-editor.repository.ts';
import type { DecisionsEditor } from './decisions-editor.service.ts';
import { addDiavgeiaImportRoutes } from './diavgeia-import.routes.ts';

/** /staff/decisions: the editors' list, the form (with the PDF), publishing, history, and the Diavgeia import. */
export function createDecisionsEditorRouter(
  deps: Deps,
  protectUpload: RequestHandler,
  editor: DecisionsEditor,
): Router {
  const { db } = deps;
  const router = Router();
  const upload = [pdfUpload(), protectUpload];
  router.get('/', (req, res) => renderEditorList(db, req, res));
  router.get('/new', (req, res) => {
    const values = { year: String(deps.clock.now().getUTCFullYear()) };
    return renderDecisionForm(db, req, res, { values, errors: [] });
  });
  router.post('/new', ...upload, (req: Request, res: Response) =>
    saveDecision(db, editor, req, res),
  );
  addDiavgeiaImportRoutes(
    router,
    moduleConfig(deps.config, decisionsConfig).DIAVGEIA_ORG_ID,
    editor,
  );
  router.get('/:id', async (req, res) => {
    const decision = await decisionOf(db, req);
    await renderDecisionForm(db, req, res, {
      decision,
      values: decisionFormValues(decision),
      errors: [],
    });
  });
  router.post('/:id', ...upload, async (req: Request, res: Response) =>
    saveDecision(db, editor, req, res, await decisionOf(db, req)),
  );
  router.post('/:id/publish', (req: Request, res: Response) =>
    changeStatus(db, editor, req, res, 'published'),
  );
  // Taking a live decision off the public pages is asked about first, on a page of its own.
  router.get('/:id/unpublish', (req, res) => confirmUnpublish(db, req, res));
  router.post('/:id/unpublish', async (req: Request, res: Response) => {
    const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
    if (!confirmed) return res.redirect(303, `/staff/decisions/${idParam(req)}/unpublish`);
    await changeStatus(db, editor, req, res, 'draft');
  });
  router.get('/:id/history', (req, res) => renderHistory(db, req, res));
  return router;
}

async function decisionOf(db: Db, req: Request): Promise<EditorDecisionRow> {
  const decision = await findForEditors(db, idParam(req));
  if (!decision) throw new NotFoundError();
  return decision;
}

async function changeStatus(
  db: Db,
  editor: DecisionsEditor,
  req: Request,
  res: Response,
  status: 'draft' | 'published',
): Promise<void> {
  const id = idParam(req);
  const errors = await editor.setStatus(id, status, req.user!.id, auditContext(req));
  if (errors.length) {
    const decision = await findForEditors(db, id);
    const values = decision ? decisionFormValues(decision) : {};
    return renderDecisionForm(db, req, res, { decision, values, errors }, 400);
  }
  req.session.flash = { key: `staff.decisions.${status}` };
  res.redirect(303, `/staff/decisions/${id}`);
}

async function confirmUnpublish(db: Db, req: Request, res: Response): Promise<void> {
  const decision = await decisionOf(db, req);
  if (decision.status !== 'published') return res.redirect(303, `/staff/decisions/${decision.id}`);
  res.render('decisions/staff/views/unpublish', {
    pageTitle: req.t('staff.decisions.unpublishConfirm.title'),
    decision,
    numberText: numberText(decision),
  });
}

async function renderHistory(db: Db, req: Request, res: Response): Promise<void> {
  const decision = await decisionOf(db, req);
  res.render('staff/history', {
    pageTitle: req.t('staff.history.title'),
    itemTitle: decision.subject,
    backHref: `/staff/decisions/${decision.id}`,
    entries: await historyOf(db, { type: 'decision', id: decision.id }),
  });
}

import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { idParam } from '../../../lib/params.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import {
  baseOf,
  renderContentForm,
  renderContentHistory,
  renderContentList,
  renderUnpublishConfirm,
} from './content-editor.pages.ts';
import {
  findContentItem,
  moveContent,
  saveContent,
  setContentStatus,
  type ContentEditorDeps,
} from './content-editor.service.ts';
import { contentFormValues, readContentForm } from './content-form.ts';
import type { ContentType } from './content-types.ts';

/**
 * A module's Markdown pages in the back office (/staff/benefits, /staff/health): list, reorder,
 * edit with a preview, publish, history. The module declares its `ContentType`.
 */
export function createContentEditorRouter(deps: Deps, type: ContentType): Router {
  const { db } = deps;
  const router = Router();
  router.get('/', (req, res) => renderContentList(db, type, req, res));
  router.get('/new', (req, res) =>
    renderContentForm(db, type, req, res, { values: {}, errors: [] }),
  );
  router.post('/new', (req, res) => submit(deps, type, req, res));
  router.get('/:id', async (req, res) => {
    const row = await findContentItem(db, type, idParam(req));
    const values = contentFormValues(type, row);
    await renderContentForm(db, type, req, res, {
      id: row.id,
      status: row.status,
      values,
      errors: [],
    });
  });
  router.post('/:id', (req, res) => submit(deps, type, req, res, idParam(req)));
  router.post('/:id/publish', (req, res) => changeStatus(deps, type, req, res, 'published'));
  router.get('/:id/unpublish', (req, res) => renderUnpublishConfirm(db, type, req, res));
  router.post('/:id/unpublish', async (req, res) => {
    const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
    if (!confirmed) return res.redirect(303, `${baseOf(type)}/${idParam(req)}/unpublish`);
    await changeStatus(deps, type, req, res, 'draft');
  });
  router.post('/:id/move', async (req, res) => {
    const direction =
      (req.body as Record<string, unknown> | undefined)?.direction === 'up' ? 'up' : 'down';
    await moveContent(deps, type, idParam(req), direction, req.user!.id, auditContext(req));
    res.redirect(303, baseOf(type));
  });
  router.get('/:id/history', (req, res) => renderContentHistory(db, type, req, res));
  return router;
}

/** Saves the form (or shows its preview); errors re-render it with what was typed. */
async function submit(
  deps: ContentEditorDeps,
  type: ContentType,
  req: Request,
  res: Response,
  id?: number,
): Promise<void> {
  const values = readContentForm(req.body);
  const existing = id === undefined ? undefined : await findContentItem(deps.db, type, id);
  const form = { id, status: existing?.status, values };
  if (values.action === 'preview')
    return renderContentForm(deps.db, type, req, res, { ...form, errors: [], preview: true });
  const result = await saveContent(deps, type, id, values, req.user!.id, auditContext(req));
  if (result.errors.length)
    return renderContentForm(deps.db, type, req, res, { ...form, errors: result.errors }, 400);
  req.session.flash = { key: 'staff.content.saved' };
  res.redirect(303, `${baseOf(type)}/${result.id}`);
}

async function changeStatus(
  deps: ContentEditorDeps,
  type: ContentType,
  req: Request,
  res: Response,
  status: 'published' | 'draft',
): Promise<void> {
  const id = idParam(req);
  await setContentStatus(deps, type, id, status, req.user!.id, auditContext(req));
  req.session.flash = { key: `staff.decisions.${status}` };
  res.redirect(303, `${baseOf(type)}/${id}`);
}

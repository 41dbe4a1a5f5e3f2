import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { idParam } from '../../../lib/params.ts';
import { presentErrors } from '../../../lib/form.ts';
import { pick } from '../../../lib/localized.ts';
import { renderMarkdown } from '../../../lib/markdown.ts';
import { auditContext, historyOf } from '../../audit/audit.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { createContentEditor, type FormValues } from './content-editor.service.ts';
import type { ContentType } from './content-types.ts';

const bodyValues = (body: unknown): FormValues =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(
      ([, v]) => typeof v === 'string',
    ),
  ) as FormValues;

/** /staff/benefits and /staff/health: list, reorder, edit with a Markdown preview, publish, history. */
export function createContentEditorRouter(deps: Deps, type: ContentType): Router {
  const editor = createContentEditor(deps, type);
  const router = Router();
  const base = `/staff/${type.key}`;

  const groupOptions = async (req: Request) =>
    (await editor.groups()).map((g) => ({
      value: g.value,
      label:
        type.grouping.field === 'kind' ? req.t(`health.kinds.${g.value}`) : pick(g.label, req.lang),
    }));

  const renderForm = async (
    req: Request,
    res: Response,
    options: {
      id?: number;
      status?: string;
      values: FormValues;
      errors: FormError[];
      preview?: boolean;
    },
    status = 200,
  ) => {
    const previews = options.preview
      ? type.fields
          .filter((f) => f.kind === 'markdown')
          .map((f) => ({
            name: f.name,
            html: renderMarkdown(options.values[`${f.name}_el`] ?? ''),
          }))
      : [];
    res.status(status).render('staff/content/form', {
      pageTitle: req.t(
        options.id ? `staff.content.${type.key}.editTitle` : `staff.content.${type.key}.newTitle`,
      ),
      contentType: type,
      base,
      id: options.id,
      itemStatus: options.status,
      values: options.values,
      groups: await groupOptions(req),
      previews,
      ...presentErrors(req, options.errors),
    });
  };

  router.get('/', async (req, res) => {
    const rows = await editor.list();
    res.render('staff/content/list', {
      pageTitle: req.t(`staff.content.${type.key}.title`),
      contentType: type,
      base,
      rows: rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        status: r.status,
        title: pick(r.title, req.lang),
      })),
    });
  });

  router.get('/new', async (req, res) => renderForm(req, res, { values: {}, errors: [] }));

  const submit = async (req: Request, res: Response, id?: number) => {
    const values = bodyValues(req.body);
    const existing = id === undefined ? undefined : await editor.find(id);
    if (values.action === 'preview')
      return renderForm(req, res, {
        id,
        status: existing?.status,
        values,
        errors: [],
        preview: true,
      });
    const result = await editor.save(id, values, req.user!.id, auditContext(req));
    if (result.errors.length)
      return renderForm(
        req,
        res,
        { id, status: existing?.status, values, errors: result.errors },
        400,
      );
    req.session.flash = { key: 'staff.content.saved' };
    res.redirect(303, `${base}/${result.id}`);
  };

  router.post('/new', (req, res) => submit(req, res));

  router.get('/:id', async (req, res) => {
    const row = await editor.find(idParam(req));
    await renderForm(req, res, {
      id: row.id,
      status: row.status,
      values: editor.toValues(row),
      errors: [],
    });
  });

  router.post('/:id', (req, res) => submit(req, res, idParam(req)));

  const setStatus = async (req: Request, res: Response, status: 'published' | 'draft') => {
    const id = idParam(req);
    await editor.setStatus(id, status, req.user!.id, auditContext(req));
    req.session.flash = { key: `staff.decisions.${status}` };
    res.redirect(303, `${base}/${id}`);
  };

  router.post('/:id/publish', (req, res) => setStatus(req, res, 'published'));

  // Taking a live page off the public site is asked about first, on a page of its own.
  router.get('/:id/unpublish', async (req, res) => {
    const row = await editor.find(idParam(req));
    if (row.status !== 'published') return res.redirect(303, `${base}/${row.id}`);
    res.render('staff/confirm', {
      pageTitle: req.t('staff.content.unpublishConfirm.title'),
      breadcrumbs: [
        { href: base, text: req.t(`staff.content.${type.key}.title`) },
        { href: `${base}/${row.id}`, text: pick(row.title, req.lang) },
      ],
      title: req.t('staff.content.unpublishConfirm.title'),
      itemName: pick(row.title, req.lang),
      lead: req.t('staff.content.unpublishConfirm.lead'),
      action: `${base}/${row.id}/unpublish`,
      yes: req.t('staff.content.unpublishConfirm.yes'),
      cancel: req.t('staff.content.unpublishConfirm.cancel'),
      cancelHref: `${base}/${row.id}`,
    });
  });

  router.post('/:id/unpublish', async (req, res) => {
    const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
    if (!confirmed) return res.redirect(303, `${base}/${idParam(req)}/unpublish`);
    await setStatus(req, res, 'draft');
  });

  router.post('/:id/move', async (req, res) => {
    const direction =
      (req.body as Record<string, unknown> | undefined)?.direction === 'up' ? 'up' : 'down';
    await editor.move(idParam(req), direction, req.user!.id, auditContext(req));
    res.redirect(303, base);
  });

  router.get('/:id/history', async (req, res) => {
    const row = await editor.find(idParam(req));
    res.render('staff/history', {
      pageTitle: req.t('staff.history.title'),
      itemTitle: pick(row.title, req.lang),
      backHref: `${base}/${row.id}`,
      entries: await historyOf(deps.db, { type: type.entity, id: row.id }),
    });
  });

  return router;
}

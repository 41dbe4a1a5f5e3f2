import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { formatDate } from '../../../lib/format.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { auditContext, historyOf } from '../../audit/audit.repository.ts';
import { listDecisionCategories } from '../../decisions/decisions.repository.ts';
import { createDiavgeiaClient, DiavgeiaError } from '../diavgeia/diavgeia.client.ts';
import { MAX_PDF_BYTES, pdfUpload, type UploadResult } from '../pdf-upload.ts';
import { parseDecisionForm, type DecisionFormValues, type FormError } from './decision-form.ts';
import {
  findForEditors,
  listForEditors,
  type EditorDecisionRow,
} from './decisions-editor.repository.ts';
import { createDecisionsEditor } from './decisions-editor.service.ts';

const PAGE_SIZE = 50;

const toValues = (row: EditorDecisionRow): DecisionFormValues => ({
  number: row.number === null ? '' : String(row.number),
  year: String(row.year),
  meeting_date: row.meeting_date,
  category: row.category_slug ?? '',
  subject: row.subject,
  summary: row.summary,
  ada: row.ada ?? '',
});

/** /staff/decisions: the editors' list, the form (with the PDF), publishing, history, and the Diavgeia import. */
export function createDecisionsEditorRouter(deps: Deps, protectUpload: RequestHandler): Router {
  const diavgeia = createDiavgeiaClient({ baseUrl: deps.config.DIAVGEIA_BASE_URL });
  const editor = createDecisionsEditor(deps, diavgeia);
  const router = Router();
  const upload = [pdfUpload(), protectUpload];

  const categories = async (req: Request) =>
    (await listDecisionCategories(deps.db)).map((c) => ({
      slug: c.slug,
      name: req.lang === 'en' ? c.name_en : c.name_el,
    }));

  const renderForm = async (
    req: Request,
    res: Response,
    options: {
      decision?: EditorDecisionRow;
      values: Partial<DecisionFormValues>;
      errors: FormError[];
    },
    status = 200,
  ) => {
    res.status(status).render('staff/decisions/form', {
      pageTitle: req.t(options.decision ? 'staff.decisions.editTitle' : 'staff.decisions.newTitle'),
      decision: options.decision,
      values: options.values,
      categories: await categories(req),
      maxMb: MAX_PDF_BYTES / 1024 / 1024,
      ...presentErrors(req, options.errors),
    });
  };

  router.get('/', async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : '';
    const page = Math.max(
      1,
      Number.parseInt(typeof req.query.page === 'string' ? req.query.page : '1', 10) || 1,
    );
    const { rows, total } = await listForEditors(deps.db, {
      status,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    res.render('staff/decisions/list', {
      pageTitle: req.t('staff.decisions.title'),
      status,
      rows: rows.map((row) => ({
        ...row,
        meetingDate: formatDate(row.meeting_date, req.lang),
        numberText: row.number ? `${row.number}/${row.year}` : `–/${row.year}`,
      })),
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      pageHref: (p: number) =>
        `/staff/decisions?${new URLSearchParams({ ...(status ? { status } : {}), page: String(p) }).toString()}`,
    });
  });

  router.get('/new', async (req, res) =>
    renderForm(req, res, {
      values: { year: String(deps.clock.now().getUTCFullYear()) },
      errors: [],
    }),
  );

  /** Creates (no decision yet) or updates a decision from the form and its optional PDF. */
  const save = async (req: Request, res: Response, decision?: EditorDecisionRow) => {
    const uploaded = res.locals.upload as UploadResult;
    const parsed = parseDecisionForm(req.body, new Set((await categories(req)).map((c) => c.slug)));
    const errors = [
      ...parsed.errors,
      ...(uploaded.errorKey ? [{ field: 'document', key: uploaded.errorKey }] : []),
    ];
    if (errors.length || !parsed.input)
      return renderForm(req, res, { decision, values: parsed.values, errors }, 400);
    const result = decision
      ? await editor.update(
          decision.id,
          parsed.input,
          uploaded.pdf,
          req.user!.id,
          auditContext(req),
        )
      : await editor.create(parsed.input, uploaded.pdf, req.user!.id, auditContext(req));
    if (result.errors.length)
      return renderForm(req, res, { decision, values: parsed.values, errors: result.errors }, 400);
    req.session.flash = { key: 'staff.decisions.saved' };
    res.redirect(303, `/staff/decisions/${result.id}`);
  };

  router.post('/new', ...upload, (req: Request, res: Response) => save(req, res));

  router.get('/import', (req, res) => {
    res.render('staff/decisions/import', {
      pageTitle: req.t('staff.import.title'),
      values: { org: deps.config.DIAVGEIA_ORG_ID },
      errors: [],
      fieldErrors: {},
    });
  });

  router.post('/import', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = formFields(body, ['org', 'from', 'to']);
    const values = { org: form.org.trim(), from: form.from.trim(), to: form.to.trim() };
    const errors: FormError[] = [];
    if (!/^[0-9A-Za-z_-]{1,40}$/.test(values.org))
      errors.push({ field: 'org', key: 'staff.import.errors.org' });
    for (const field of ['from', 'to'] as const)
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values[field]) || Number.isNaN(Date.parse(values[field])))
        errors.push({ field, key: 'staff.import.errors.date' });
    if (!errors.length && values.from > values.to)
      errors.push({ field: 'to', key: 'staff.import.errors.order' });
    let result: { created: number; skipped: number } | undefined;
    if (!errors.length) {
      try {
        result = await editor.importFromDiavgeia(values, req.user!.id, auditContext(req));
      } catch (error) {
        if (!(error instanceof DiavgeiaError)) throw error;
        req.log.warn({ err: error.message }, 'Diavgeia import failed');
        errors.push({ field: 'org', key: 'staff.import.errors.unreachable' });
      }
    }
    res.status(errors.length ? 400 : 200).render('staff/decisions/import', {
      pageTitle: req.t('staff.import.title'),
      values,
      result,
      ...presentErrors(req, errors),
    });
  });

  router.get('/:id', async (req, res) => {
    const decision = await findForEditors(deps.db, idParam(req));
    if (!decision) throw new NotFoundError();
    await renderForm(req, res, { decision, values: toValues(decision), errors: [] });
  });

  router.post('/:id', ...upload, async (req: Request, res: Response) => {
    const decision = await findForEditors(deps.db, idParam(req));
    if (!decision) throw new NotFoundError();
    await save(req, res, decision);
  });

  for (const [action, status] of [
    ['publish', 'published'],
    ['unpublish', 'draft'],
  ] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const id = idParam(req);
      const errors = await editor.setStatus(id, status, req.user!.id, auditContext(req));
      if (errors.length) {
        const decision = await findForEditors(deps.db, id);
        return renderForm(
          req,
          res,
          { decision, values: decision ? toValues(decision) : {}, errors },
          400,
        );
      }
      req.session.flash = { key: `staff.decisions.${status}` };
      res.redirect(303, `/staff/decisions/${id}`);
    });
  }

  router.get('/:id/history', async (req, res) => {
    const decision = await findForEditors(deps.db, idParam(req));
    if (!decision) throw new NotFoundError();
    res.render('staff/history', {
      pageTitle: req.t('staff.history.title'),
      itemTitle: decision.subject,
      backHref: `/staff/decisions/${decision.id}`,
      entries: await historyOf(deps.db, { type: 'decision', id: decision.id }),
    });
  });

  return router;
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../../../services.ts';
import { moduleConfig } from '../../../config.ts';
import { decisionsConfig } from '../decisions.config.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { formatDate } from '../../../lib/format.ts';
import {
  datePartsToIso,
  dateProblemKey,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import { formFields } from '../../../lib/form.ts';
import { auditContext, historyOf } from '../../audit/audit.repository.ts';
import { listDecisionCategories } from '../decisions.repository.ts';
import { DiavgeiaError } from './diavgeia.client.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { MAX_PDF_BYTES, pdfUpload, type UploadResult } from '../../staff/pdf-upload.ts';
import {
  decisionFormValues,
  parseDecisionForm,
  type DecisionFormValues,
  type FormError,
} from './decision-form.ts';
import {
  findForEditors,
  listForEditors,
  type EditorDecisionRow,
} from './decisions-editor.repository.ts';

const PAGE_SIZE = 50;

const toValues = decisionFormValues;

/** /staff/decisions: the editors' list, the form (with the PDF), publishing, history, and the Diavgeia import. */
export function createDecisionsEditorRouter(
  deps: Deps,
  protectUpload: RequestHandler,
  editor: Services['decisionsEditor'],
): Router {
  const settings = moduleConfig(deps.config, decisionsConfig);
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
      ...presentFormErrors(req, options.errors, ['meeting_date']),
    });
  };

  router.get('/', async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : '';
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const page = Math.max(
      1,
      Number.parseInt(typeof req.query.page === 'string' ? req.query.page : '1', 10) || 1,
    );
    const { rows, total } = await listForEditors(deps.db, {
      status,
      q,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    res.render('staff/decisions/list', {
      pageTitle: req.t('staff.decisions.title'),
      status,
      q,
      total,
      rows: rows.map((row) => ({
        ...row,
        meetingDate: formatDate(row.meeting_date, req.lang),
        numberText: row.number ? `${row.number}/${row.year}` : `–/${row.year}`,
      })),
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      pageHref: (p: number) =>
        `/staff/decisions?${new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), page: String(p) }).toString()}`,
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
    const parsed = parseDecisionForm(
      req.body,
      new Set((await categories(req)).map((c) => c.slug)),
      req.t('decisions.meetingDate'),
    );
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

  const renderImport = (
    req: Request,
    res: Response,
    values: { org: string; from: DateParts; to: DateParts },
    errors: FormError[],
    result?: { created: number; skipped: number },
  ) => {
    res.status(errors.length ? 400 : 200).render('staff/decisions/import', {
      pageTitle: req.t('staff.import.title'),
      values,
      result,
      ...presentFormErrors(req, errors, ['from', 'to']),
    });
  };
  const noDate: DateParts = { day: '', month: '', year: '' };

  router.get('/import', (req, res) =>
    renderImport(req, res, { org: settings.DIAVGEIA_ORG_ID, from: noDate, to: noDate }, []),
  );

  router.post('/import', async (req, res) => {
    const values = {
      org: formFields(req.body, ['org']).org.trim(),
      from: readDateParts(req.body, 'from'),
      to: readDateParts(req.body, 'to'),
    };
    const errors: FormError[] = [];
    if (!/^[0-9A-Za-z_-]{1,40}$/.test(values.org))
      errors.push({ field: 'org', key: 'staff.import.errors.org' });
    const from = datePartsToIso(values.from);
    const to = datePartsToIso(values.to);
    for (const [field, date] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (date.problem)
        errors.push({
          field,
          key: dateProblemKey(date.problem),
          params: { field: req.t(`staff.import.${field}`) },
        });
    if (from.iso && to.iso && from.iso > to.iso)
      errors.push({ field: 'to', key: 'staff.import.errors.order' });
    if (errors.length || !from.iso || !to.iso) return renderImport(req, res, values, errors);
    try {
      const result = await editor.importFromDiavgeia(
        { org: values.org, from: from.iso, to: to.iso },
        req.user!.id,
        auditContext(req),
      );
      renderImport(req, res, values, [], result);
    } catch (error) {
      if (!(error instanceof DiavgeiaError)) throw error;
      req.log.warn({ err: error.message }, 'Diavgeia import failed');
      renderImport(req, res, values, [{ field: 'org', key: 'staff.import.errors.unreachable' }]);
    }
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

  const changeStatus = async (req: Request, res: Response, status: 'draft' | 'published') => {
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
  };

  router.post('/:id/publish', (req: Request, res: Response) => changeStatus(req, res, 'published'));

  // Taking a live decision off the public pages is asked about first, on a page of its own.
  router.get('/:id/unpublish', async (req, res) => {
    const decision = await findForEditors(deps.db, idParam(req));
    if (!decision) throw new NotFoundError();
    if (decision.status !== 'published')
      return res.redirect(303, `/staff/decisions/${decision.id}`);
    res.render('staff/decisions/unpublish', {
      pageTitle: req.t('staff.decisions.unpublishConfirm.title'),
      decision,
      numberText: decision.number ? `${decision.number}/${decision.year}` : `–/${decision.year}`,
    });
  });

  router.post('/:id/unpublish', async (req: Request, res: Response) => {
    const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
    if (!confirmed) return res.redirect(303, `/staff/decisions/${idParam(req)}/unpublish`);
    await changeStatus(req, res, 'draft');
  });

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

import type { Request, Response } from 'express';
import type { Db } from '../../../db/knex.ts';
import { formatDate } from '../../../lib/format.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { MAX_PDF_BYTES, type UploadResult } from '../../staff/pdf-upload.ts';
import { listDecisionCategories } from '../decisions.repository.ts';
import { parseDecisionForm, type DecisionFormValues, type FormError } from './decision-form.ts';
import { listForEditors, type EditorDecisionRow } from './decisions-editor.repository.ts';
import type { DecisionsEditor } from './decisions-editor.service.ts';

const PAGE_SIZE = 50;

/** A number as the register writes it (`7/2026`), or a dash for a draft without one. */
export const numberText = (row: { number: number | null; year: number }) =>
  row.number ? `${row.number}/${row.year}` : `–/${row.year}`;

/** The categories in the page's language, for the form's select. */
async function editorCategories(db: Db, req: Request) {
  return (await listDecisionCategories(db)).map((c) => ({
    slug: c.slug,
    name: req.lang === 'en' ? c.name_en : c.name_el,
  }));
}

/** The decision form: new (no decision) or an existing one, with the values and errors to show. */
export async function renderDecisionForm(
  db: Db,
  req: Request,
  res: Response,
  options: {
    decision?: EditorDecisionRow;
    values: Partial<DecisionFormValues>;
    errors: FormError[];
  },
  status = 200,
): Promise<void> {
  res.status(status).render('decisions/staff/views/form', {
    pageTitle: req.t(options.decision ? 'staff.decisions.editTitle' : 'staff.decisions.newTitle'),
    decision: options.decision,
    values: options.values,
    categories: await editorCategories(db, req),
    maxMb: MAX_PDF_BYTES / 1024 / 1024,
    ...presentFormErrors(req, options.errors, ['meeting_date']),
  });
}

/** Creates (no decision yet) or updates a decision from the form and its optional PDF. */
export async function saveDecision(
  db: Db,
  editor: DecisionsEditor,
  req: Request,
  res: Response,
  decision?: EditorDecisionRow,
): Promise<void> {
  const uploaded = res.locals.upload as UploadResult;
  const parsed = parseDecisionForm(
    req.body,
    new Set((await editorCategories(db, req)).map((c) => c.slug)),
    req.t('decisions.meetingDate'),
  );
  const errors = [
    ...parsed.errors,
    ...(uploaded.errorKey ? [{ field: 'document', key: uploaded.errorKey }] : []),
  ];
  if (errors.length || !parsed.input)
    return renderDecisionForm(db, req, res, { decision, values: parsed.values, errors }, 400);
  const result = decision
    ? await editor.update(decision.id, parsed.input, uploaded.pdf, req.user!.id, auditContext(req))
    : await editor.create(parsed.input, uploaded.pdf, req.user!.id, auditContext(req));
  if (result.errors.length) {
    const options = { decision, values: parsed.values, errors: result.errors };
    return renderDecisionForm(db, req, res, options, 400);
  }
  req.session.flash = { key: 'staff.decisions.saved' };
  res.redirect(303, `/staff/decisions/${result.id}`);
}

/** The editors' list: every decision, newest change first, narrowed by status or a search. */
export async function renderEditorList(db: Db, req: Request, res: Response): Promise<void> {
  const status = typeof req.query.status === 'string' ? req.query.status : '';
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
  const page = Math.max(
    1,
    Number.parseInt(typeof req.query.page === 'string' ? req.query.page : '1', 10) || 1,
  );
  const { rows, total } = await listForEditors(db, {
    status,
    q,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  res.render('decisions/staff/views/list', {
    pageTitle: req.t('staff.decisions.title'),
    status,
    q,
    total,
    rows: rows.map((row) => ({
      ...row,
      meetingDate: formatDate(row.meeting_date, req.lang),
      numberText: numberText(row),
    })),
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pageHref: (p: number) =>
      `/staff/decisions?${new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), page: String(p) }).toString()}`,
  });
}

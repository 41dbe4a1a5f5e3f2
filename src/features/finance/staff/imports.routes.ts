import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { idParam } from '../../../lib/params.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { IMPORT_FORMATS, IMPORT_KINDS, isImportKind } from '../imports/import-formats.ts';
import {
  countImportErrors,
  countImports,
  findImport,
  importErrors,
  listImports,
  type ImportListRow,
} from '../imports/imports.repository.ts';
import { createImport } from '../imports/imports.service.ts';
import { countUnresolvedPayments } from '../payments.repository.ts';
import { csvUpload, type CsvUploadResult } from './csv-upload.ts';

const PAGE_SIZE = 25;
/** Bad rows shown on the page; the CSV report has them all. */
const ERRORS_SHOWN = 200;

/** /staff/finance (finance office): imports from the financial system, their progress and reports. */
export function createImportsRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', (req, res) => renderOverview(deps, req, res, { kind: '' }, []));
  router.post('/imports', csvUpload(), ctx.protectUpload, async (req, res) => {
    const values = formFields(req.body, ['kind']);
    const upload = res.locals.upload as CsvUploadResult;
    const errors: FieldError[] = [];
    if (!isImportKind(values.kind))
      errors.push({ field: 'kind', key: 'finance.upload.errors.kind' });
    if (upload.errorKey) errors.push({ field: 'file', key: upload.errorKey });
    else if (!upload.content) errors.push({ field: 'file', key: 'finance.upload.errors.missing' });
    if (errors.length || !isImportKind(values.kind))
      return renderOverview(deps, req, res, values, errors);
    const id = await createImport(
      deps,
      {
        kind: values.kind,
        channel: 'upload',
        fileName: upload.fileName!,
        content: upload.content!,
        format: 'csv',
        userId: req.user!.id,
      },
      auditContext(req),
    );
    res.redirect(303, `/staff/finance/imports/${id}`);
  });
  router.get('/imports/:id', async (req, res) => {
    const row = await importFor(deps, req);
    const errorCount = row.status === 'rejected' ? await countImportErrors(deps.db, row.id) : 0;
    const errors =
      errorCount > 0 ? await importErrors(deps.db, row.id, { limit: ERRORS_SHOWN }) : [];
    res.render('finance/staff/views/import', {
      pageTitle: req.t('finance.import.title', { id: row.id }),
      item: present(req, row),
      errorCount,
      errorsShown: errors.map((error) => ({
        ...error,
        fieldLabel: error.field,
        reasonText: req.t(`finance.import.reasons.${error.reason}`),
      })),
      breadcrumbs: breadcrumbs(req),
    });
  });
  router.get('/imports/:id/report.csv', async (req, res) => {
    const row = await importFor(deps, req);
    const errors = await importErrors(deps.db, row.id, { limit: 1_000_000 });
    // Quoted, and a value that Excel would take for a formula (=, +, -, @) led by an apostrophe.
    const quote = (value: string) =>
      `"${(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;
    const lines = [
      [
        req.t('finance.import.line'),
        req.t('finance.import.field'),
        req.t('finance.import.reason'),
        req.t('finance.import.value'),
      ],
      ...errors.map((error) => [
        String(error.line),
        error.field,
        req.t(`finance.import.reasons.${error.reason}`),
        error.value ?? '',
      ]),
    ].map((fields) => fields.map(quote).join(';'));
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(`import-${row.id}-report.csv`);
    // A byte-order mark and `;`: Excel with a Greek locale opens it as it is.
    res.type('text/csv; charset=utf-8').send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
  return router;
}

async function importFor(deps: Deps, req: Request): Promise<ImportListRow> {
  const row = await findImport(deps.db, idParam(req));
  if (!row) throw new NotFoundError();
  return row;
}

const breadcrumbs = (req: Request) => [
  { href: '/staff', text: req.t('staff.home.title') },
  { href: '/staff/finance', text: req.t('staff.nav.finance') },
];

/** An import as its row and page show it: words for the kind, status and who, Athens times. */
function present(req: Request, row: ImportListRow) {
  return {
    ...row,
    kindLabel: req.t(`finance.kinds.${row.kind}`),
    statusLabel: req.t(`finance.status.${row.status}`),
    by:
      row.imported_by_name ??
      (row.api_key_name
        ? req.t('finance.import.byApi', { name: row.api_key_name })
        : req.t(`finance.channel.${row.channel}`)),
    createdAt: formatDateTime(row.created_at, req.lang),
    finishedAt: row.finished_at ? formatDateTime(row.finished_at, req.lang) : '',
    failureText: row.failure
      ? req.t(`finance.import.failures.${row.failure.split(':')[0]}`, {
          detail: row.failure.split(':').slice(1).join(':').trim(),
        })
      : '',
    inProgress: row.status === 'queued' || row.status === 'running',
  };
}

async function renderOverview(
  deps: Deps,
  req: Request,
  res: Response,
  values: { kind: string },
  errors: FieldError[],
): Promise<void> {
  const page = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
  const [rows, total, unresolved] = await Promise.all([
    listImports(deps.db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    countImports(deps.db),
    countUnresolvedPayments(deps.db),
  ]);
  res.status(errors.length ? 400 : 200).render('finance/staff/views/index', {
    pageTitle: req.t('staff.nav.finance'),
    kinds: IMPORT_KINDS.map((kind) => ({
      value: kind,
      text: req.t(`finance.kinds.${kind}`),
      columns: IMPORT_FORMATS[kind].columns.map((column) => ({
        name: column,
        required: IMPORT_FORMATS[kind].required.includes(column),
      })),
    })),
    values,
    ...presentFormErrors(req, errors),
    imports: rows.map((row) => present(req, row)),
    unresolved,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pageHref: (n: number) => `/staff/finance?page=${n}`,
  });
}

import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { ROLL_COLUMNS, ROLL_HEADER, ROLL_REQUIRED } from '../imports/roll-format.ts';
import {
  countRollImportErrors,
  countRollImports,
  findRollImport,
  listRollImports,
  rollImportErrors,
  type RollImportListRow,
} from '../imports/roll-imports.repository.ts';
import { createRollImport } from '../imports/roll-imports.service.ts';
import { rollUpload, type RollUploadResult } from './roll-upload.ts';

const PAGE_SIZE = 25;
/** Bad rows shown on the page; the CSV report has them all. */
const ERRORS_SHOWN = 200;

/** /staff/roll (admins): imports of the municipal roll, their progress and reports. */
export function createRollImportsRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', (req, res) => renderOverview(deps, req, res, []));
  router.post('/imports', rollUpload(), ctx.protectUpload, async (req, res) => {
    const upload = res.locals.upload as RollUploadResult;
    const errors: FieldError[] = [];
    if (upload.errorKey) errors.push({ field: 'file', key: upload.errorKey });
    else if (!upload.content) errors.push({ field: 'file', key: 'roll.upload.errors.missing' });
    if (errors.length || !upload.content) return renderOverview(deps, req, res, errors);
    const id = await createRollImport(
      deps,
      {
        channel: 'upload',
        fileName: upload.fileName!,
        content: upload.content,
        userId: req.user!.id,
      },
      auditContext(req),
    );
    res.redirect(303, `/staff/roll/imports/${id}`);
  });
  router.get('/imports/:id', async (req, res) => {
    const row = await importFor(deps, req);
    const errorCount = row.status === 'rejected' ? await countRollImportErrors(deps.db, row.id) : 0;
    const errors =
      errorCount > 0 ? await rollImportErrors(deps.db, row.id, { limit: ERRORS_SHOWN }) : [];
    res.render('roll/staff/views/import', {
      pageTitle: req.t('roll.import.title', { id: row.id }),
      item: present(req, row),
      errorCount,
      errorsShown: errors.map((error) => ({
        ...error,
        reasonText: req.t(`roll.import.reasons.${error.reason}`),
      })),
      breadcrumbs: breadcrumbs(req),
    });
  });
  router.get('/imports/:id/report.csv', async (req, res) => {
    const row = await importFor(deps, req);
    const errors = await rollImportErrors(deps.db, row.id, { limit: 1_000_000 });
    // Quoted, and a value that Excel would take for a formula (=, +, -, @) led by an apostrophe.
    const quote = (value: string) =>
      `"${(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;
    const lines = [
      ['line', 'field', 'reason', 'value'].map((key) => req.t(`roll.import.${key}`)),
      ...errors.map((error) => [
        String(error.line),
        error.field,
        req.t(`roll.import.reasons.${error.reason}`),
        error.value ?? '',
      ]),
    ].map((fields) => fields.map(quote).join(';'));
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(`roll-import-${row.id}-report.csv`);
    // A byte-order mark and `;`: Excel with a Greek locale opens it as it is.
    res.type('text/csv; charset=utf-8').send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
  return router;
}

async function importFor(deps: Deps, req: Request): Promise<RollImportListRow> {
  const row = await findRollImport(deps.db, idParam(req));
  if (!row) throw new NotFoundError();
  return row;
}

const breadcrumbs = (req: Request) => [
  { href: '/staff', text: req.t('staff.home.title') },
  { href: '/staff/roll', text: req.t('staff.nav.roll') },
];

/** An import as its row and page show it: words for the status and who, Athens times. */
function present(req: Request, row: RollImportListRow) {
  const [failure = '', ...detail] = (row.failure ?? '').split(':');
  return {
    ...row,
    statusLabel: req.t(`roll.status.${row.status}`),
    by: row.imported_by_name ?? req.t(`roll.channel.${row.channel}`),
    createdAt: formatDateTime(row.created_at, req.lang),
    finishedAt: row.finished_at ? formatDateTime(row.finished_at, req.lang) : '',
    failureText: failure
      ? req.t(`roll.import.failures.${failure}`, { detail: detail.join(':').trim() })
      : '',
    inProgress: row.status === 'queued' || row.status === 'running',
    changed: row.rows_inserted + row.rows_updated + row.records_inserted + row.records_updated > 0,
  };
}

async function renderOverview(
  deps: Deps,
  req: Request,
  res: Response,
  errors: FieldError[],
): Promise<void> {
  const page = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
  const [rows, total] = await Promise.all([
    listRollImports(deps.db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    countRollImports(deps.db),
  ]);
  res.status(errors.length ? 400 : 200).render('roll/staff/views/index', {
    pageTitle: req.t('staff.nav.roll'),
    columns: ROLL_COLUMNS.map((name) => ({
      name,
      optional: !ROLL_HEADER.includes(name),
      mayBeBlank: ROLL_HEADER.includes(name) && !ROLL_REQUIRED.includes(name),
    })),
    ...presentFormErrors(req, errors),
    imports: rows.map((row) => present(req, row)),
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pageHref: (n: number) => `/staff/roll?page=${n}`,
  });
}

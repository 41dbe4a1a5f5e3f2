import { sendStoredDownload } from '../../../lib/stored-download.ts';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { parseForm } from '../../../lib/forms.ts';
import { athensDate, formatDate, formatDateTime, kilobytes } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { presentFine } from '../fines.present.ts';
import { findFine } from '../fines.repository.ts';
import { decisionSchema } from '../fines.schemas.ts';
import {
  findFile,
  findObjection,
  listFiles,
  listQueue,
  type ObjectionStatus,
} from '../objections.repository.ts';
import { decide } from './decision.service.ts';

export const OBJECTIONS = '/staff/finance/objections';
const FILTERS = ['submitted', 'accepted', 'rejected', 'all'] as const;
const QUEUE_LIMIT = 500;

/**
 * /staff/finance/objections (finance): the objections to fines, oldest first (the submitted ones
 * unless a filter says otherwise); each with its fine, text and files, and the decision form.
 */
export function createObjectionsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/', (req, res) => renderQueue(deps, req, res));
  router.get('/:id', (req, res) => renderObjection(deps, req, res, idParam(req)));
  router.post('/:id/decision', async (req, res) => {
    const id = idParam(req);
    const values = formFields(req.body, ['outcome', 'reason']);
    const parsed = parseForm(decisionSchema, values);
    if (!parsed.ok) return renderObjection(deps, req, res, id, { values, errors: parsed.errors });
    const result = await decide(deps, req.user!.id, id, parsed.data, auditContext(req));
    if (result === 'not-found') throw new NotFoundError();
    if (result.length) return renderObjection(deps, req, res, id, { values, errors: result });
    req.session.flash = { key: `fines.staff.done.${parsed.data.outcome}` };
    res.redirect(303, `${OBJECTIONS}/${id}`);
  });
  router.get('/:id/files/:file', async (req, res, next) => {
    const fileId = /^[1-9]\d{0,8}$/.test(String(req.params.file)) ? Number(req.params.file) : 0;
    const file = await findFile(deps.db, idParam(req), fileId);
    if (!file) throw new NotFoundError();
    sendFile(deps, res, next, file);
  });
  return router;
}

async function renderQueue(deps: Deps, req: Request, res: Response): Promise<void> {
  const filter = FILTERS.find((f) => f === req.query.status) ?? 'submitted';
  const rows = await listQueue(deps.db, filter as ObjectionStatus | 'all', QUEUE_LIMIT);
  res.render('fines/staff/views/objections', {
    pageTitle: req.t('fines.staff.queue.title'),
    filter,
    filters: FILTERS,
    rows: rows.map((row) => ({
      id: row.id,
      noticeNumber: row.notice_number,
      deadline: row.objection_deadline ? formatDate(row.objection_deadline, req.lang) : '',
      who: row.full_name ?? req.t('fines.staff.erased'),
      capacity: req.t(`fines.staff.capacity.${row.capacity}`),
      submittedAt: formatDateTime(row.created_at, req.lang),
      status: req.t(`fines.objectionStatus.${row.status}`),
    })),
  });
}

async function renderObjection(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: { values?: Record<string, string>; errors?: FieldError[] } = {},
): Promise<void> {
  const objection = await findObjection(deps.db, id);
  const fine = objection && (await findFine(deps.db, objection.fine_id));
  if (!objection || !fine) throw new NotFoundError();
  const errors = form.errors ?? [];
  languageSwitchFrom(res, `${OBJECTIONS}/${id}`);
  res.status(errors.length ? 400 : 200).render('fines/staff/views/objection', {
    pageTitle: req.t('fines.staff.objection.title', { number: fine.notice_number }),
    breadcrumbs: [{ href: OBJECTIONS, text: req.t('fines.staff.queue.title') }],
    fine: presentFine(req, fine, athensDate(deps.clock.now())),
    objection: {
      id: objection.id,
      status: objection.status,
      who: objection.full_name ?? req.t('fines.staff.erased'),
      email: objection.email ?? '',
      capacity: req.t(`fines.staff.capacity.${objection.capacity}`),
      driverAfm: objection.driver_afm ?? '',
      text: objection.text,
      submittedAt: formatDateTime(objection.created_at, req.lang),
      reason: objection.decision_reason ?? '',
      decidedAt: objection.decided_at ? formatDateTime(objection.decided_at, req.lang) : '',
      decidedBy: objection.decided_by_name ?? '',
    },
    files: (await listFiles(deps.db, objection.id)).map((file) => ({
      name: file.file_name,
      href: `${OBJECTIONS}/${objection.id}/files/${file.id}`,
      kb: kilobytes(file.bytes),
      type: file.media_type.split('/')[1]!.toUpperCase(),
    })),
    values: form.values ?? { outcome: '', reason: '' },
    ...presentFormErrors(req, errors),
  });
}

/** A file as it was sent, as a download of its checked type. */
function sendFile(
  deps: Pick<Deps, 'documents'>,
  res: Response,
  next: NextFunction,
  file: { storage_key: string; file_name: string; media_type: string },
): void {
  sendStoredDownload(deps.documents, res, next, {
    key: file.storage_key,
    fileName: file.file_name,
    contentType: file.media_type,
  });
}

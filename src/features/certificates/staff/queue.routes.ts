import { sendCertificateFile } from '../certificate-file.ts';
import { parseVerificationCode } from '../verification-code.ts';
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { ConflictError, NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { athensDate } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { idParam } from '../../../lib/params.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { dmy, SealUnavailableError, type Actor } from '../certificates.service.ts';
import {
  applicationById,
  certificateOfApplication,
  typeByCode,
} from '../certificates.repository.ts';
import { TEMPLATE_FIELDS } from '../document.ts';
import { renderApplication, type ApplicationForm } from './application.page.ts';
import {
  countLists,
  listOpen,
  listToDeliver,
  typeChoices,
  type OpenStatus,
  type QueueRow,
} from './queue.repository.ts';

export const QUEUE = '/staff/certificates';
const STATUSES = ['submitted', 'in_progress'] as const;
const DELIVERY_STATES = ['posted', 'ready_for_pickup', 'handed_over'] as const;

/**
 * /staff/certificates (clerk): the open applications by deadline and the issued certificates
 * still to post or hand over; an application's page with the roll data and its actions.
 */
export function createQueueRouter(ctx: ModuleContext): Router {
  const router = Router();
  const { certificates } = ctx.services;
  router.get('/', (req, res) => renderQueue(ctx, req, res));
  router.get('/:id', (req, res) => renderApplication(ctx, req, res, idParam(req)));
  router.get('/:id/certificate.pdf', (req, res, next) => sendCertificate(ctx, req, res, next));
  router.post(
    '/:id/start',
    action(
      ctx,
      [],
      (id, _values, actor) => certificates.startWork(id, actor),
      () => 'started',
    ),
  );
  router.post(
    '/:id/issue',
    action(
      ctx,
      undefined,
      async (id, values, actor) => {
        const application = await applicationById(ctx.deps.db, id);
        const type = application && (await typeByCode(ctx.deps.db, application.type_code));
        if (!type) throw new NotFoundError();
        // A field the form did not send is left as the roll has it.
        const corrections = TEMPLATE_FIELDS[type.template]
          .filter((field) => values[`fields.${field}`] !== undefined)
          .map((field) => ({
            field,
            value: values[`fields.${field}`]!,
            reason: values[`reasons.${field}`] ?? '',
          }));
        await certificates.issue(id, corrections, actor);
      },
      () => 'issued',
    ),
  );
  router.post(
    '/:id/reject',
    action(
      ctx,
      ['reason'],
      (id, values, actor) => certificates.reject(id, values.reason ?? '', actor),
      () => 'rejected',
    ),
  );
  router.post(
    '/:id/delivery',
    action(
      ctx,
      ['state'],
      async (id, values, actor) => {
        const state = DELIVERY_STATES.find((s) => s === values.state);
        if (!state) throw new ConflictError('certificates.errors.deliveryNotPossible');
        await certificates.markDelivery(id, state, actor);
      },
      (values) => values.state ?? '',
    ),
  );
  router.post(
    '/:id/revoke',
    action(
      ctx,
      ['reason'],
      (id, values, actor) => certificates.revoke(id, values.reason ?? '', actor),
      () => 'revoked',
    ),
  );
  return router;
}

/**
 * One action's form: the service does it and the page comes back with a message (303); bad input
 * is shown at its field (400), and an application someone else changed meanwhile is said so (409).
 * `names`: the form fields kept for the page (undefined: all the text fields sent).
 */
function action(
  ctx: ModuleContext,
  names: readonly string[] | undefined,
  run: (id: number, values: Record<string, string>, actor: Actor) => Promise<unknown>,
  done: (values: Record<string, string>) => string,
): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const values = names ? formFields(req.body, names) : textFields(req.body);
    const actor: Actor = { userId: req.user!.id, context: auditContext(req) };
    const form: ApplicationForm = { values };
    try {
      await run(id, values, actor);
    } catch (error) {
      if (error instanceof ValidationError) form.errors = [...error.errors];
      else if (error instanceof ConflictError) {
        form.status = 409;
        form.errors = [{ field: 'application-status', key: error.messageKey }];
      } else if (error instanceof SealUnavailableError) {
        form.status = 503;
        form.errors = [{ field: 'issue', key: 'certificates.staff.errors.sealUnavailable' }];
      } else throw error;
      return renderApplication(ctx, req, res, id, form);
    }
    req.session.flash = { key: `certificates.staff.done.${done(values)}` };
    res.redirect(303, `${QUEUE}/${id}`);
  };
}

/** Every text field of a form (the issue form's fields.<name> and reasons.<name>). */
function textFields(body: unknown): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The issued PDF, as the citizen received it: never cached, never sniffed. */
async function sendCertificate(
  ctx: ModuleContext,
  req: Request,
  res: Response,
  next: NextFunction,
) {
  const id = idParam(req);
  const application = await applicationById(ctx.deps.db, id);
  const certificate = application && (await certificateOfApplication(ctx.deps.db, id));
  if (!application || !certificate) throw new NotFoundError();
  sendCertificateFile(ctx.deps.documents, res, next, application.reference, certificate.file_key);
}

/**
 * A queue row as the table shows it, with its deadline marked when it is today or past. Dates are
 * written short (15/06/2026), as a queue of seven columns has room for.
 */
function presentRow(row: QueueRow, lang: Lang, today: string) {
  const open = row.status === 'submitted' || row.status === 'in_progress';
  const submittedIso = athensDate(row.created_at);
  const issuedIso = row.issued_at ? athensDate(row.issued_at) : '';
  return {
    id: row.id,
    reference: row.reference,
    type: lang === 'en' ? row.name_en : row.name_el,
    subject: row.subject_name,
    applicant: row.applicant_name ?? '',
    submitted: dmy(submittedIso),
    submittedIso,
    deadline: dmy(row.deadline),
    deadlineIso: row.deadline,
    overdue: open && row.deadline < today,
    dueToday: open && row.deadline === today,
    status: row.status,
    delivery: row.delivery,
    deliveryState: row.delivery_state,
    issued: dmy(issuedIso),
    issuedIso,
  };
}

/**
 * An application found by its reference (CRT-2026-000123) or its certificate's verification
 * code: how a clerk reaches an issued certificate (to revoke it) that no list shows any more.
 */
async function findApplication(db: ModuleContext['deps']['db'], typed: string) {
  const reference = typed.trim().toUpperCase();
  if (/^CRT-\d{4}-\d{6}$/.test(reference))
    return (await db('certificate_applications').where({ reference }).first('id')) as
      { id: number } | undefined;
  const code = parseVerificationCode(typed);
  if (!code) return undefined;
  return (await db('certificates')
    .where({ verification_code: code })
    .first('application_id as id')) as { id: number } | undefined;
}

async function renderQueue(ctx: ModuleContext, req: Request, res: Response): Promise<void> {
  const { db } = ctx.deps;
  const typed = typeof req.query.find === 'string' ? req.query.find.slice(0, 40) : undefined;
  let findError: string | undefined;
  if (typed !== undefined) {
    const found = typed.trim() ? await findApplication(db, typed) : undefined;
    if (found) {
      res.redirect(303, `/staff/certificates/${found.id}`);
      return;
    }
    findError = req.t(
      typed.trim() ? 'certificates.staff.find.notFound' : 'certificates.staff.find.required',
    );
    res.status(typed.trim() ? 404 : 400);
  }
  const list = req.query.list === 'deliver' ? 'deliver' : 'open';
  const types = await typeChoices(db);
  const typeCode = types.find((t) => t.code === req.query.type)?.code;
  const status: OpenStatus | undefined = STATUSES.find((s) => s === req.query.status);
  const rows =
    list === 'deliver'
      ? await listToDeliver(db, { typeCode })
      : await listOpen(db, { status, typeCode });
  const today = athensDate(ctx.deps.clock.now());
  const presented = rows.map((row) => presentRow(row, req.lang, today));
  res.render('certificates/staff/views/queue', {
    pageTitle: req.t(
      list === 'deliver'
        ? 'certificates.staff.queue.deliverTitle'
        : 'certificates.staff.queue.title',
    ),
    list,
    counts: await countLists(db),
    filters: { status: status ?? '', type: typeCode ?? '' },
    statuses: STATUSES,
    types: types.map((t) => ({ code: t.code, name: req.lang === 'en' ? t.name_en : t.name_el })),
    rows: presented,
    overdue: presented.filter((r) => r.overdue).length,
    dueToday: presented.filter((r) => r.dueToday).length,
    filtered: Boolean(status || typeCode),
    find: { value: typed ?? '', error: findError },
  });
}

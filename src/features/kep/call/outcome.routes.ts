import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { idParam } from '../../../lib/params.ts';
import { sendStoredDownload } from '../../../lib/stored-download.ts';
import { memoryUpload } from '../../../middleware/memory-upload.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { checkPdf } from '../../staff/pdf-upload.ts';
import { cleanFileName } from '../../requests/staff/documents.service.ts';
import { requireTaxisnetSignIn } from '../../taxisnet/require-taxisnet.ts';
import { ownedAppointment } from '../manage.service.ts';
import { renderAppointment } from '../staff/schedule-appointment.routes.ts';
import { one, SCHEDULE } from '../staff/schedule.present.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';
import { clockTime } from '../kep.format.ts';
import { consoleAppointment, type ConsolePanel } from './console-panel.ts';
import {
  BOOK_AGAIN,
  DELIVERABLE,
  DELIVERIES,
  deliverResult,
  OUTCOMES,
  outcomeOf,
  outcomeStage,
  recordOutcome,
  REQUESTED_MAX,
  type OutcomeRow,
  type ResultFile,
} from './outcome.service.ts';

/** The resulting document's largest size: 10 MB. */
const RESULT_MAX_BYTES = 10 * 1024 * 1024;
const RESULT_FIELD = 'result';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The resulting document sent with the delivery form, checked as a PDF by its content. */
    kepResult?: { file?: ResultFile; error?: FieldError };
  }
}

/** The delivery form (multipart): its fields, and at most one PDF of at most 10 MB. */
function resultUpload(): RequestHandler {
  return memoryUpload(
    { field: RESULT_FIELD, maxFiles: 1, maxBytes: RESULT_MAX_BYTES },
    (upload, _req, res) => {
      const refused = (key: string, params?: Record<string, unknown>) => {
        res.locals.kepResult = {
          error: { field: 'delivery-file', key, ...(params ? { params } : {}) },
        };
      };
      if (upload.refused === 'size') return refused('kep.outcome.errors.fileSize', { max: 10 });
      if (upload.refused) return refused('kep.outcome.errors.fileLimit');
      // An empty file field is what a browser sends when no file was chosen.
      const sent = upload.files.find((file) => file.size > 0);
      if (sent && checkPdf(sent.buffer)) return refused('kep.outcome.errors.fileType');
      res.locals.kepResult = sent
        ? { file: { content: sent.buffer, fileName: cleanFileName(sent.originalname) } }
        : {};
    },
  );
}

/** Staff routes under /staff/kep: recording a call's outcome and sending its result. */
export function createOutcomeRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  const visible = (req: Request) => consoleAppointment(deps, req);

  router.post('/appointments/:id/outcome', async (req, res) => {
    const appointment = await visible(req);
    const body = req.body as Record<string, unknown>;
    const values = {
      outcome: one(body.outcome),
      requested: one(body.requested).slice(0, 2 * REQUESTED_MAX),
    };
    const result = await recordOutcome(deps, appointment, values, req.user!.id, auditContext(req));
    if ('errors' in result) {
      return renderAppointment(deps, req, res, appointment.id, { errors: result.errors, values });
    }
    if ('refused' in result)
      return renderAppointment(deps, req, res, appointment.id, {
        errors: [{ field: 'outcome', key: `kep.outcome.refused.${result.refused}` }],
        status: 409,
      });
    req.session.flash = { key: 'kep.outcome.done.outcome' };
    res.redirect(303, `${SCHEDULE}/appointments/${appointment.id}#outcome`);
  });

  router.post('/appointments/:id/result', resultUpload(), ctx.protectUpload, async (req, res) => {
    const appointment = await visible(req);
    const values = { delivery: one((req.body as Record<string, unknown>).delivery) };
    const upload = res.locals.kepResult ?? {};
    const result = await deliverResult(
      deps,
      appointment,
      {
        delivery: values.delivery,
        ...(upload.file ? { file: upload.file } : {}),
        ...(upload.error ? { fileError: upload.error } : {}),
      },
      req.user!.id,
      auditContext(req),
    );
    if ('errors' in result) {
      return renderAppointment(deps, req, res, appointment.id, { errors: result.errors, values });
    }
    if ('refused' in result)
      return renderAppointment(deps, req, res, appointment.id, {
        errors: [{ field: 'outcome-delivery', key: `kep.outcome.refused.${result.refused}` }],
        status: 409,
      });
    req.session.flash = { key: 'kep.outcome.done.delivery' };
    res.redirect(303, `${SCHEDULE}/appointments/${appointment.id}#outcome`);
  });

  // The document as it was sent, for the clerk and managers.
  router.get('/appointments/:id/result', async (req, res, next) => {
    const appointment = await visible(req);
    const call = await outcomeOf(deps.db, appointment.id);
    sendResult(deps, call, res, next);
  });
  return router;
}

/** Citizen routes: the result's download from the owner's appointment page. */
export function createOutcomeCitizenRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  // The owner only (signed in with TaxisNet under the appointment's AFM); anyone else: 404.
  router.get('/kep/appointments/:id/result', requireTaxisnetSignIn, async (req, res, next) => {
    const id = idParam(req);
    const afm = req.user?.taxisnet_afm;
    const owned = afm ? await ownedAppointment(deps.db, id, afm) : undefined;
    sendResult(deps, owned ? await outcomeOf(deps.db, id) : undefined, res, next);
  });
  return router;
}

function sendResult(
  deps: Deps,
  call: OutcomeRow | undefined,
  res: Response,
  next: NextFunction,
): void {
  if (call?.delivery_state !== 'emailed' || !call.result_document_key) throw new NotFoundError();
  sendStoredDownload(deps.documents, res, next, {
    key: call.result_document_key,
    fileName: call.result_file_name ?? 'document.pdf',
    contentType: 'application/pdf',
  });
}

/** The way the citizen asked for at booking, as the delivery form's first choice. */
const PREFERRED = { email: 'emailed', post: 'posted', pickup: 'pickup_ready' } as const;

export const OUTCOME_PANEL: ConsolePanel = {
  view: 'kep/call/views/console-outcome',
  locals: async (deps, req, appointment, values) => ({
    outcomePanel: await consoleOutcome(deps, req, appointment, values),
  }),
};

/** The console's outcome panel: the form while it may be recorded, then what was recorded. */
async function consoleOutcome(
  deps: Deps,
  req: Request,
  row: AppointmentDetails,
  kept: Readonly<Record<string, string>>,
) {
  const call = await outcomeOf(deps.db, row.id);
  const stage = outcomeStage(row, call, deps.clock.now());
  const base = `${SCHEDULE}/appointments/${row.id}`;
  const at = (instant: Date | null) => (instant ? formatDateTime(instant, req.lang) : '');
  return {
    stage,
    startsAt: clockTime(row.starts_at),
    outcomes: OUTCOMES,
    deliveries: DELIVERIES,
    maxRequested: REQUESTED_MAX,
    actions: { outcome: `${base}/outcome`, result: `${base}/result` },
    values: {
      outcome: kept.outcome ?? '',
      requested: kept.requested ?? '',
      delivery: kept.delivery ?? PREFERRED[row.delivery],
    },
    postalAddress: row.postal_address ?? '',
    preference: row.delivery,
    recorded: call?.outcome
      ? {
          kind: call.outcome,
          requested: call.outcome_requested ?? '',
          at: at(call.outcome_at),
          by: call.outcome_by_name ?? '',
        }
      : undefined,
    deliverable: Boolean(call?.outcome && DELIVERABLE.has(call.outcome)),
    delivered: call?.delivery_state
      ? {
          state: call.delivery_state,
          at: at(call.delivered_at),
          by: call.delivered_by_name ?? '',
          fileName: call.result_file_name ?? '',
          href: call.delivery_state === 'emailed' ? `${base}/result` : '',
        }
      : undefined,
  };
}

/** What the citizen's appointment page shows of the outcome (undefined: nothing yet). */
export async function citizenOutcome(
  deps: Deps,
  appointmentId: number,
  lang: Lang,
): Promise<Record<string, unknown> | undefined> {
  const call = await outcomeOf(deps.db, appointmentId);
  if (!call?.outcome) return undefined;
  const state = call.delivery_state;
  return {
    kind: call.outcome,
    requested: call.outcome_requested ?? '',
    recordedAt: call.outcome_at ? formatDateTime(call.outcome_at, lang) : '',
    awaitingDelivery: DELIVERABLE.has(call.outcome) && !state,
    delivery: state
      ? {
          state,
          at: call.delivered_at ? formatDateTime(call.delivered_at, lang) : '',
          href: state === 'emailed' ? `/kep/appointments/${appointmentId}/result` : '',
          fileName: call.result_file_name ?? '',
        }
      : undefined,
    againHref: BOOK_AGAIN.has(call.outcome) ? `/kep/book?again=${appointmentId}` : '',
  };
}

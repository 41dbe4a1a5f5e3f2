import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate, kilobytes } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { sendStoredDownload } from '../../../lib/stored-download.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { consoleCall } from '../call/console.present.ts';
import type { ConsolePanel } from '../call/console-panel.ts';
import { GUESTS_PANEL } from '../call/guests.routes.ts';
import { OUTCOME_PANEL } from '../call/outcome.routes.ts';
import { clockTime } from '../kep.format.ts';
import { ID, presentEntry, SCHEDULE, viewerOf } from './schedule.present.ts';
import {
  appointmentFor,
  documentOf,
  documentsOf,
  recordDetailsViewed,
  type AppointmentDetails,
} from './schedule.service.ts';

/**
 * /staff/kep/appointments/:id (clerk): an appointment's details and documents (special-category
 * data: its clerk and managers only, audited). Its outcome, a no-show among them, is recorded
 * in the outcome panel (call/outcome.routes.ts).
 */
/**
 * The parts of the console other files own, in the page's order (read when a page is made: those
 * files' routes import renderAppointment from here).
 */
const consolePanels = (): readonly ConsolePanel[] => [GUESTS_PANEL, OUTCOME_PANEL];

export function createScheduleAppointmentRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/appointments/:id', (req, res) => renderAppointment(deps, req, res, idParam(req)));
  router.get('/appointments/:id/documents/:docId', async (req, res, next) => {
    const id = idParam(req);
    const docId = String(req.params.docId);
    const appointment = await appointmentFor(deps.db, id, viewerOf(req));
    const document =
      appointment && ID.test(docId) ? await documentOf(deps.db, id, Number(docId)) : undefined;
    if (!document) throw new NotFoundError();
    sendStoredDownload(deps.documents, res, next, {
      key: document.document_key,
      fileName: document.file_name,
      contentType: document.content_type,
    });
  });
  return router;
}

/**
 * An appointment's page, the clerk's console: the call (the room, the identity check, sound
 * only, who joined), the third person, the outcome; beside them who the citizen is, how to reach
 * them, what they need and their documents. Its viewing is audited.
 */
export async function renderAppointment(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: { errors?: FieldError[]; status?: number; values?: Record<string, string> } = {},
): Promise<void> {
  const viewer = viewerOf(req);
  const row = await appointmentFor(deps.db, id, viewer);
  if (!row) throw new NotFoundError();
  const documents = row.needs_erased_at ? [] : await documentsOf(deps.db, id);
  await recordDetailsViewed(deps.db, row, viewer, auditContext(req));
  const call = await consoleCall(deps, req, res, row, form.values ?? {});
  const panels = await Promise.all(
    consolePanels().map(async (panel) => ({
      view: panel.view,
      locals: await panel.locals(deps, req, row, form.values ?? {}),
    })),
  );
  const errors = form.errors ?? [];
  languageSwitchFrom(res, `${SCHEDULE}/appointments/${id}`);
  res.set('Cache-Control', 'private, no-store');
  res
    .status(form.status ?? (errors.length ? 400 : 200))
    .render('kep/staff/views/schedule-appointment', {
      pageTitle: req.t('kep.schedule.appointment.title', { reference: row.reference }),
      breadcrumbs: [{ href: SCHEDULE, text: req.t('kep.schedule.title') }],
      appointment: presentDetails(req, row),
      documents: documents.map((doc) => ({
        name: doc.file_name,
        href: `${SCHEDULE}/appointments/${id}/documents/${doc.id}`,
        kb: kilobytes(doc.size_bytes),
        type: doc.content_type.split('/')[1]!.toUpperCase(),
      })),
      call,
      panels,
      ...presentFormErrors(req, errors),
    });
}

function presentDetails(req: Request, row: AppointmentDetails) {
  return {
    ...presentEntry(req, row),
    when: formatDate(athensDate(row.starts_at), req.lang),
    startsAt: clockTime(row.starts_at),
    afm: row.afm,
    email: row.email,
    phone: row.phone_e164 ? formatPhone(row.phone_e164) : '',
    postalAddress: row.postal_address ?? '',
    delivery: row.delivery,
    lang: row.lang,
    bookedBy: row.booked_by_name ?? '',
    cancelReason: row.cancel_reason ?? '',
    erasedOn: row.needs_erased_at ? formatDate(athensDate(row.needs_erased_at), req.lang) : '',
    needs: {
      signLanguage: row.needs_sign_language,
      lipReading: row.needs_lip_reading,
      other: row.needs_other ?? '',
    },
  };
}

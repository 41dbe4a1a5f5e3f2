import { Router } from 'express';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { renderAppointment } from '../staff/schedule-appointment.routes.ts';
import { one, SCHEDULE } from '../staff/schedule.present.ts';
import { consoleAppointment } from './console-panel.ts';
import { recordIdentityCheck, setAudioOnly } from './console.service.ts';

/**
 * The console's own forms (/staff/kep/appointments/:id/…): the identity check on camera and
 * sound only from now on. The appointment's clerk and ΚΕΠ managers only; anyone else: 404.
 */
export function createConsoleRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.post('/appointments/:id/identity', async (req, res) => {
    const appointment = await consoleAppointment(deps, req);
    const id = appointment.id;
    const body = req.body as Record<string, unknown>;
    const values = {
      result: one(body.result),
      documentType: one(body.documentType),
      documentNumber: one(body.documentNumber).slice(0, 40),
      reason: one(body.reason).slice(0, 2000),
    };
    const outcome = await recordIdentityCheck(
      deps,
      appointment,
      values,
      req.user!.id,
      auditContext(req),
    );
    if ('errors' in outcome)
      return renderAppointment(deps, req, res, id, { errors: outcome.errors, values });
    if ('refused' in outcome)
      return renderAppointment(deps, req, res, id, {
        errors: [{ field: 'result', key: `kep.call.identity.refused.${outcome.refused}` }],
        status: 409,
        values,
      });
    req.session.flash = {
      key: `kep.call.identity.done.${outcome.recorded}`,
    };
    res.redirect(303, `${SCHEDULE}/appointments/${id}#identity`);
  });
  router.post('/appointments/:id/audio-only', async (req, res) => {
    const appointment = await consoleAppointment(deps, req);
    const id = appointment.id;
    const outcome = await setAudioOnly(deps, appointment, req.user!.id, auditContext(req));
    if (outcome !== 'set')
      return renderAppointment(deps, req, res, id, {
        errors: [{ field: 'set-audio-only', key: `kep.call.audioOnly.refused.${outcome}` }],
        status: 409,
      });
    req.session.flash = { key: 'kep.call.audioOnly.done' };
    res.redirect(303, `${SCHEDULE}/appointments/${id}#audio-only`);
  });
  return router;
}

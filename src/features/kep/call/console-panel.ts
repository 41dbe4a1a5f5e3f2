import type { Request } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { viewerOf } from '../staff/schedule.present.ts';
import { appointmentFor, type AppointmentDetails } from '../staff/schedule.service.ts';

/**
 * A part of the clerk's console (/staff/kep/appointments/:id) that another file owns: the
 * identity check, the third person, the outcome. The console renders each panel's view (an
 * EJS partial under src/features, e.g. 'kep/call/views/console-outcome') with its locals.
 */
export interface ConsolePanel {
  view: string;
  locals(
    deps: Deps,
    req: Request,
    appointment: AppointmentDetails,
    /** What a form of the console sent, when it is shown again with its errors. */
    values: Readonly<Record<string, string>>,
  ): Promise<Record<string, unknown>>;
}

/** The appointment a console form acts on: its clerk's and ΚΕΠ managers' only; anyone else: 404. */
export async function consoleAppointment(
  deps: Pick<Deps, 'db'>,
  req: Request,
): Promise<AppointmentDetails> {
  const appointment = await appointmentFor(deps.db, idParam(req), viewerOf(req));
  if (!appointment) throw new NotFoundError();
  return appointment;
}

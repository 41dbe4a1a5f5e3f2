import type { Request } from 'express';
import type { Deps } from '../../../deps.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';

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
  ): Promise<Record<string, unknown>>;
}

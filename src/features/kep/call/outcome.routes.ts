import { Router } from 'express';
import type { Deps } from '../../../deps.ts';
import type { Lang } from '../../../lib/localized.ts';
import type { ModuleContext } from '../../module.ts';
import type { ConsolePanel } from './console-panel.ts';

/** Staff routes under /staff/kep: recording a call's outcome and sending its result. */
export function createOutcomeRouter(_ctx: ModuleContext): Router {
  return Router();
}

/** Citizen routes: the result's download from the owner's appointment page. */
export function createOutcomeCitizenRouter(_ctx: ModuleContext): Router {
  return Router();
}

export const OUTCOME_PANEL: ConsolePanel = {
  view: 'kep/call/views/console-outcome',
  locals: () => Promise.resolve({}),
};

/** What the citizen's appointment page shows of the outcome (undefined: nothing yet). */
export function citizenOutcome(
  _deps: Deps,
  _appointmentId: number,
  _lang: Lang,
): Promise<Record<string, unknown> | undefined> {
  return Promise.resolve(undefined);
}

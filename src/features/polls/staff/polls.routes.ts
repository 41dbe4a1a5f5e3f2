import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** The editors' pages (/staff/polls): create, edit, publish, close early, turnout, results. */
export function createStaffPollsRouter(_ctx: ModuleContext): Router {
  return Router();
}

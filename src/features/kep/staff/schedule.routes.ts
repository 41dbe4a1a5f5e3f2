import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** /staff/kep (clerk): the schedule, no-shows, booking on behalf (to be built). */
export function createKepScheduleRouter(_ctx: ModuleContext): Router {
  return Router();
}

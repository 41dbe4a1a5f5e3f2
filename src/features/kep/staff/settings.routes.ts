import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** /staff/kep/settings (kep_manager): areas, clerks' hours, leave, closures, policy (to be built). */
export function createKepSettingsRouter(_ctx: ModuleContext): Router {
  return Router();
}

import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';
import { createSettingsAreasRouter } from './settings-areas.routes.ts';
import { createSettingsClerksRouter } from './settings-clerks.routes.ts';
import { createSettingsPolicyRouter } from './settings-policy.routes.ts';
import { createSettingsRangesRouter } from './settings-ranges.routes.ts';

/**
 * /staff/kep/settings (kep_manager): the service areas, the clerks (their areas, weekly hours and
 * leave), closures with the coming public holidays, and the booking policy. Every page works
 * without JavaScript; leave or a closure over booked appointments asks first, listing what will
 * happen to each.
 */
export function createKepSettingsRouter(ctx: ModuleContext): Router {
  const router = Router();
  router.use(createSettingsAreasRouter(ctx));
  router.use(createSettingsClerksRouter(ctx));
  router.use(createSettingsRangesRouter(ctx));
  router.use(createSettingsPolicyRouter(ctx));
  return router;
}

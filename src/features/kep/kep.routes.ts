import { Router } from 'express';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { ModuleContext } from '../module.ts';
import { createBookingRouter } from './book.routes.ts';
import { createManageRouter } from './manage.routes.ts';

export const KEP_HUB_ENTRY: HubEntry = {
  id: 'kep',
  href: '/kep',
  titleKey: 'kep.hub.title',
  descriptionKey: 'kep.hub.description',
  access: 'taxisnet',
};

/** The citizen's side of the ΚΕΠ: booking, and the appointments once booked. */
export function createKepRouter(ctx: ModuleContext): Router {
  const router = Router();
  router.use(createBookingRouter(ctx));
  router.use(createManageRouter(ctx));
  return router;
}

import { Router } from 'express';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { ModuleContext } from '../module.ts';
import { createBookingRouter } from './book.routes.ts';
import { createGuestPublicRouter } from './call/guests.routes.ts';
import { createOutcomeCitizenRouter } from './call/outcome.routes.ts';
import { createDemoCallRouter } from './call/dev/demo-call.routes.ts';
import { createJitsiStandIn } from './call/dev/jitsi-stand-in.routes.ts';
import { jitsiSettingsOf } from './call/jitsi.config.ts';
import { createManageRouter } from './manage.routes.ts';
import { createManualRouter } from './manual/manual.routes.ts';

export const KEP_HUB_ENTRY: HubEntry = {
  id: 'kep',
  href: '/kep',
  titleKey: 'kep.hub.title',
  descriptionKey: 'kep.hub.description',
  access: 'taxisnet',
};

/** The citizen's side of the ΚΕΠ: the manual, booking, the appointments once booked, their calls. */
export function createKepRouter(ctx: ModuleContext): Router {
  const router = Router();
  const jitsi = jitsiSettingsOf(ctx.deps.config);
  // The stand-in Jitsi server, for development and tests with no JITSI_BASE_URL: never production.
  if (jitsi.standIn && !ctx.deps.config.isProduction) {
    router.use(createDemoCallRouter(ctx));
    router.use(
      createJitsiStandIn({
        appId: jitsi.appId,
        appSecret: jitsi.appSecret,
        now: () => ctx.deps.clock.now(),
      }),
    );
  }
  router.use(createManualRouter(ctx));
  router.use(createBookingRouter(ctx));
  router.use(createManageRouter(ctx));
  router.use(createGuestPublicRouter(ctx));
  router.use(createOutcomeCitizenRouter(ctx));
  return router;
}

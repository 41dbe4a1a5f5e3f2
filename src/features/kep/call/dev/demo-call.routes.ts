import { Router } from 'express';
import { isExclusionViolation } from '../../../../db/constraints.ts';
import { formatDateTime } from '../../../../lib/format.ts';
import { insertDemoAppointment } from '../../kep.demo.ts';
import type { ModuleContext } from '../../../module.ts';
import { JITSI_STAND_IN_PATH } from '../jitsi.config.ts';

/** The demo call: demo.verified's, with demo.clerk, in the information area, 20 minutes. */
const DEMO_CITIZEN = 'demo.verified';
const DEMO_CLERK = 'demo.clerk';
const MINUTES = 20;
const BUFFER_MINUTES = 10;
/** It starts a minute from now, or (the clerk busy then) at the next half hour that is free. */
const TRIES = 16;

/**
 * Development only, beside the Jitsi stand-in: a call that is open now, so that a person trying
 * the portal can walk the call as the citizen and as the clerk without waiting for a booking's
 * time. Production never mounts it.
 */
export function createDemoCallRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  const page = (view: Record<string, unknown>) => ({
    pageTitle: '',
    ...view,
  });
  router.get(JITSI_STAND_IN_PATH, (req, res) => {
    res.render(
      'kep/call/dev/views/demo-call',
      page({ pageTitle: req.t('kep.devJitsi.demo.title'), created: undefined }),
    );
  });
  router.post(`${JITSI_STAND_IN_PATH}/demo-call`, async (req, res) => {
    const citizen = (await deps
      .db('users')
      .where({ username: DEMO_CITIZEN })
      .first('id', 'full_name', 'email', 'taxisnet_afm', 'afm')) as
      | {
          id: number;
          full_name: string;
          email: string;
          taxisnet_afm: string | null;
          afm: string | null;
        }
      | undefined;
    const clerk = (await deps.db('users').where({ username: DEMO_CLERK }).first('id')) as
      { id: number } | undefined;
    const area = (await deps
      .db('kep_areas')
      .where({ slug: 'information-applications' })
      .first('id')) as { id: number } | undefined;
    const afm = citizen?.taxisnet_afm ?? citizen?.afm;
    if (!citizen || !clerk || !area || !afm)
      return res.status(409).render(
        'kep/call/dev/views/demo-call',
        page({
          pageTitle: req.t('kep.devJitsi.demo.title'),
          problem: req.t('kep.devJitsi.demo.noDemo'),
        }),
      );
    const now = deps.clock.now();
    let created: { id: number; starts_at: Date } | undefined;
    for (let attempt = 0; attempt < TRIES && !created; attempt += 1) {
      const start = new Date(now.getTime() + 60_000 + attempt * 30 * 60_000);
      const end = new Date(start.getTime() + MINUTES * 60_000);
      try {
        created = await insertDemoAppointment(deps.db, {
          areaId: area.id,
          clerkId: clerk.id,
          citizenId: citizen.id,
          afm,
          fullName: citizen.full_name,
          email: citizen.email,
          start,
          end,
          bufferMinutes: BUFFER_MINUTES,
          lang: req.lang,
          now,
        });
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
      }
    }
    if (!created)
      return res.status(409).render(
        'kep/call/dev/views/demo-call',
        page({
          pageTitle: req.t('kep.devJitsi.demo.title'),
          problem: req.t('kep.devJitsi.demo.busy'),
        }),
      );
    res.render(
      'kep/call/dev/views/demo-call',
      page({
        pageTitle: req.t('kep.devJitsi.demo.title'),
        created: {
          when: formatDateTime(created.starts_at, req.lang),
          citizen: `/kep/appointments/${created.id}/call`,
          clerk: `/staff/kep/appointments/${created.id}`,
        },
      }),
    );
  });
  return router;
}

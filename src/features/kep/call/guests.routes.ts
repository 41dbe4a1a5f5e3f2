import { Router, type Request } from 'express';
import type { Deps } from '../../../deps.ts';
import { LinkInvalidError, NotFoundError } from '../../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime } from '../../../lib/format.ts';
import { hashToken } from '../../../lib/tokens.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { appointmentWhen, clockTime } from '../kep.format.ts';
import { renderAppointment } from '../staff/schedule-appointment.routes.ts';
import { ID, one, SCHEDULE } from '../staff/schedule.present.ts';
import type { AppointmentDetails } from '../staff/schedule.service.ts';
import { allowJitsiOnThisPage } from './call-page-headers.ts';
import { consoleAppointment, type ConsolePanel } from './console-panel.ts';
import { callOf, consoleStage } from './console.service.ts';
import {
  admitGuest,
  followGuestLink,
  guestsOf,
  inviteGuest,
  MAX_GUESTS,
  RELATIONS,
  returnToGuestCall,
  type GuestPage,
} from './guests.service.ts';
import { jitsiSettingsOf } from './jitsi.config.ts';
import { roomView, TOKEN_OPENS_MS } from './jitsi.ts';

declare module 'express-session' {
  interface SessionData {
    /** The invitation link this browser used: it may come back to the call (a reload, the language). */
    kepGuest?: { tokenHash: string; guestId: number };
  }
}

/** Staff routes under /staff/kep: inviting a third person and admitting them. */
export function createGuestStaffRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  const visible = (req: Request) => consoleAppointment(deps, req);

  router.post('/appointments/:id/guests', async (req, res) => {
    const appointment = await visible(req);
    const body = req.body as Record<string, unknown>;
    const values = {
      name: one(body['guest-name']).slice(0, 400),
      email: one(body['guest-email']).slice(0, 400),
      relation: one(body['guest-relation']),
    };
    const outcome = await inviteGuest(deps, appointment, values, req.user!.id, auditContext(req));
    if ('errors' in outcome) {
      return renderAppointment(deps, req, res, appointment.id, { errors: outcome.errors, values });
    }
    if ('refused' in outcome)
      return renderAppointment(deps, req, res, appointment.id, {
        errors: [
          {
            field: 'guests',
            key: `kep.guests.refused.${outcome.refused}`,
            params: { max: MAX_GUESTS },
          },
        ],
        status: 409,
      });
    req.session.flash = {
      key: 'kep.guests.done.invited',
      params: { email: outcome.invited.email },
    };
    res.redirect(303, `${SCHEDULE}/appointments/${appointment.id}#guests`);
  });

  router.post('/appointments/:id/guests/:guestId/admit', async (req, res) => {
    const appointment = await visible(req);
    const guestId = String(req.params.guestId);
    if (!ID.test(guestId)) throw new NotFoundError();
    const { outcome, name } = await admitGuest(
      deps,
      appointment,
      Number(guestId),
      req.user!.id,
      auditContext(req),
    );
    if (outcome === 'notFound') throw new NotFoundError();
    if (outcome !== 'admitted')
      return renderAppointment(deps, req, res, appointment.id, {
        errors: [{ field: 'guests', key: `kep.guests.refused.${outcome}`, params: { name } }],
        status: 409,
      });
    req.session.flash = { key: 'kep.guests.done.admitted', params: { name: name ?? '' } };
    res.redirect(303, `${SCHEDULE}/appointments/${appointment.id}#guests`);
  });
  return router;
}

/** The invitation's link, /kep/guest/:token (public). */
export function createGuestPublicRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  // A look shows the invitation (a link scanner's GET uses nothing); joining (POST) uses the link.
  for (const join of [false, true])
    router[join ? 'post' : 'get']('/kep/guest/:token', async (req, res) => {
      const token = String(req.params.token);
      // The page holds the guest's token (and the link's is in its address): kept by no cache.
      res.set('Cache-Control', 'no-store');
      const session = req.session as typeof req.session | undefined;
      let page: GuestPage;
      try {
        page = await followGuestLink(deps, token, join);
        if (page.jwt && session)
          session.kepGuest = { tokenHash: hashToken(token), guestId: page.guest.id };
      } catch (error) {
        const back =
          error instanceof LinkInvalidError &&
          error.reason === 'used' &&
          session?.kepGuest?.tokenHash === hashToken(token)
            ? await returnToGuestCall(deps, session.kepGuest.guestId)
            : undefined;
        if (!back) throw error;
        page = back;
      }
      languageSwitchFrom(res, `/kep/guest/${token}`);
      renderGuestPage(deps, req, res, page, `/kep/guest/${token}`);
    });
  return router;
}

const STATUS: Record<GuestPage['stage'], number> = {
  early: 200,
  ready: 200,
  open: 200,
  disabled: 503,
  over: 410,
  cancelled: 410,
  moved: 410,
};

function renderGuestPage(
  deps: Deps,
  req: Request,
  res: Parameters<typeof allowJitsiOnThisPage>[0],
  page: GuestPage,
  joinAction: string,
): void {
  const { guest, appointment } = page;
  const settings = jitsiSettingsOf(deps.config);
  let room;
  if (page.jwt) {
    room = roomView(settings, {
      room: appointment.room,
      jwt: page.jwt,
      role: 'guest',
      name: guest.name,
      email: guest.email,
    });
    allowJitsiOnThisPage(res, settings);
  }
  const when = appointmentWhen(appointment.starts_at, appointment.ends_at, req.lang);
  const opens = new Date(appointment.starts_at.getTime() - TOKEN_OPENS_MS);
  res.status(STATUS[page.stage]).render('kep/call/views/guest', {
    pageTitle: req.t('kep.guests.page.title'),
    stage: page.stage,
    guestName: guest.name,
    relation: guest.relation,
    area: req.lang === 'en' ? appointment.name_en : appointment.name_el,
    when,
    opensAt: clockTime(opens),
    opensOn: formatDate(athensDate(opens), req.lang),
    room,
    joinAction,
  });
}

export const GUESTS_PANEL: ConsolePanel = {
  view: 'kep/call/views/console-guests',
  locals: async (deps, req, appointment, values) => ({
    guestsPanel: await consoleGuests(deps, req, appointment, values),
  }),
};

/** The console's panel: the invitation form while helpers may be invited, and who was invited. */
async function consoleGuests(
  deps: Deps,
  req: Request,
  row: AppointmentDetails,
  kept: Readonly<Record<string, string>>,
) {
  const [guests, call] = await Promise.all([guestsOf(deps.db, row.id), callOf(deps.db, row.id)]);
  const stage = consoleStage(row, call, deps.clock.now());
  const base = `${SCHEDULE}/appointments/${row.id}`;
  return {
    stage,
    max: MAX_GUESTS,
    canInvite: stage !== 'over' && guests.length < MAX_GUESTS,
    relations: RELATIONS,
    action: `${base}/guests`,
    values: { name: kept.name ?? '', email: kept.email ?? '', relation: kept.relation ?? '' },
    guests: guests.map((guest) => {
      const state = guest.admitted_at ? 'admitted' : guest.token_issued_at ? 'opened' : 'invited';
      const at = guest.admitted_at ?? guest.token_issued_at;
      return {
        id: guest.id,
        name: guest.name,
        email: guest.email,
        relation: guest.relation,
        state,
        time: at ? clockTime(at) : formatDateTime(guest.invited_at, req.lang),
        admitAction:
          state === 'opened' && stage === 'open' ? `${base}/guests/${guest.id}/admit` : '',
      };
    }),
  };
}

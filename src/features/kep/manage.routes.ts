import { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { athensDate, athensDateTime, formatDate, formatDateTime } from '../../lib/format.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { idParam } from '../../lib/params.ts';
import { parseIsoDate } from '../../lib/dates.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import type { Module, ModuleContext } from '../module.ts';
import { requireTaxisnetSignIn } from '../taxisnet/require-taxisnet.ts';
import {
  appointmentByToken,
  appointmentsOf,
  cancelByCitizen,
  comingCount,
  isChangeable,
  isComing,
  MAX_REASON,
  ownedAppointment,
  rescheduleByCitizen,
  rescheduleChoices,
  type AppointmentRow,
} from './manage.service.ts';
import { dayLabel, timeRange } from './kep.format.ts';
import { citizenCallState, citizenRoom } from './call/citizen-call.ts';
import { TOKEN_OPENS_MS } from './call/jitsi.ts';
import { citizenOutcome } from './call/outcome.routes.ts';

const text = 'kep.manage';

/** On the account page, for a citizen signed in with TaxisNet before: their coming appointments. */
export const kepAccountSummary: NonNullable<Module['accountSummary']> = async (ctx, user) => {
  if (user.roles.length || !user.taxisnet_afm) return undefined;
  const count = await comingCount(ctx.deps.db, user.taxisnet_afm, ctx.deps.clock.now());
  if (!count) return undefined;
  return { textKey: `${text}.account.coming`, params: { count }, href: '/kep/appointments' };
};

/** An appointment as a page reaches it: its row, its address, and whether its owner is looking. */
interface Reached {
  row: AppointmentRow;
  /** '/kep/appointments/12' for the signed-in owner, '/kep/manage/<token>' for a manage link. */
  base: string;
  owner: boolean;
}

type Reach = (ctx: ModuleContext, req: Request) => Promise<Reached>;

/** The signed-in citizen's appointment at this address; anyone else's (or none) is a 404. */
const reachOwned: Reach = async (ctx, req) => {
  const id = idParam(req);
  const afm = req.user?.taxisnet_afm;
  const row = afm ? await ownedAppointment(ctx.deps.db, id, afm) : undefined;
  if (!row) throw new NotFoundError();
  return { row, base: `/kep/appointments/${id}`, owner: true };
};

/** The appointment a manage link opens: the link is the key, no sign-in needed. */
const reachByToken: Reach = async (ctx, req) => {
  const token = String(req.params.token);
  const row = await appointmentByToken(ctx.deps.db, token);
  if (!row) throw new NotFoundError();
  return { row, base: `/kep/manage/${token}`, owner: false };
};

/**
 * /kep/appointments (the signed-in citizen's, by their TaxisNet AFM), each appointment, its call
 * page, and /kep/manage/<token> (from the mails). GETs show; only POSTs cancel or move, so a
 * link scanner opening a mail's links changes nothing.
 */
export function createManageRouter(ctx: ModuleContext): Router {
  const router = Router();
  router.get('/kep/appointments', requireTaxisnetSignIn, listPage(ctx));
  router.get('/kep/appointments/:id/call', requireTaxisnetSignIn, callPage(ctx));
  router.get('/kep/appointments/:id/call/state', requireTaxisnetSignIn, callState(ctx));
  for (const [path, guard, reach] of [
    ['/kep/appointments/:id', requireTaxisnetSignIn, reachOwned],
    ['/kep/manage/:token', undefined, reachByToken],
  ] as const) {
    const guards: RequestHandler[] = guard ? [guard] : [];
    router.get(path, ...guards, detailPage(ctx, reach));
    router.get(`${path}/cancel`, ...guards, cancelForm(ctx, reach));
    router.post(`${path}/cancel`, ...guards, cancelAction(ctx, reach));
    router.get(`${path}/reschedule`, ...guards, rescheduleForm(ctx, reach));
    router.post(`${path}/reschedule`, ...guards, rescheduleAction(ctx, reach));
  }
  return router;
}

/** An appointment as the pages show it, in the page's language, Athens time. */
function present(req: Request, row: AppointmentRow, now: Date, owner: boolean, base: string) {
  const ended = row.ends_at.getTime() <= now.getTime();
  const state = row.status === 'booked' ? (ended ? 'ended' : 'booked') : (row.status as string);
  return {
    id: row.id,
    reference: row.reference,
    area: req.lang === 'en' ? row.area_en : row.area_el,
    when: formatDateTime(row.starts_at, req.lang),
    ends: athensDateTime(row.ends_at).slice(11, 16),
    state,
    stateText: req.t(`${text}.state.${state}`),
    tag: STATE_TAGS[state] ?? 'govuk-tag--grey',
    href: base,
    callHref: owner ? `/kep/appointments/${row.id}/call` : '',
    changeable: isChangeable(row, now),
    coming: isComing(row, now),
    started: row.status === 'booked' && row.starts_at.getTime() <= now.getTime() && !ended,
    againHref: `/kep/book?again=${row.id}`,
    movedTo: row.moved_to_starts_at ? formatDateTime(row.moved_to_starts_at, req.lang) : '',
    movedToHref: owner && row.rescheduled_to ? `/kep/appointments/${row.rescheduled_to}` : '',
    cancelledBy: row.cancelled_by ?? '',
    reason: row.cancel_reason ?? '',
  };
}

const STATE_TAGS: Record<string, string> = {
  booked: 'govuk-tag--blue',
  ended: 'govuk-tag--grey',
  done: 'govuk-tag--green',
  cancelled: 'govuk-tag--red',
  rescheduled: 'govuk-tag--yellow',
  no_show: 'govuk-tag--orange',
};

const listCrumb = (req: Request) => ({
  href: '/kep/appointments',
  text: req.t(`${text}.list.title`),
});

function crumbs(req: Request, reached: Reached) {
  return reached.owner ? [listCrumb(req)] : [{ href: '/kep', text: req.t(`${text}.kep`) }];
}

function listPage(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const now = ctx.deps.clock.now();
    const rows = await appointmentsOf(ctx.deps.db, req.user!.taxisnet_afm!, now);
    const shown = rows.map((row) => present(req, row, now, true, `/kep/appointments/${row.id}`));
    res.render('kep/views/appointments', {
      pageTitle: req.t(`${text}.list.title`),
      coming: shown.filter((a) => a.coming),
      past: shown.filter((a) => !a.coming),
    });
  };
}

function detailPage(ctx: ModuleContext, reach: Reach): RequestHandler {
  return async (req, res) => {
    const reached = await reach(ctx, req);
    const now = ctx.deps.clock.now();
    res.render('kep/views/appointment', {
      pageTitle: req.t(`${text}.detail.title`, { reference: reached.row.reference }),
      breadcrumbs: crumbs(req, reached),
      a: present(req, reached.row, now, reached.owner, reached.base),
      owner: reached.owner,
      outcome: reached.owner ? await citizenOutcome(ctx.deps, reached.row.id, req.lang) : undefined,
    });
  };
}

/**
 * The call page: when it opens; from 10 minutes before the start until the end, the room (the
 * citizen's own token, the lobby, a camera and microphone check, sound only by their choice);
 * after it, or when the appointment moved or was cancelled, why there is no call.
 */
function callPage(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const reached = await reachOwned(ctx, req);
    const { row } = reached;
    const { state } = await citizenCallState(ctx.deps, row);
    const opens = new Date(row.starts_at.getTime() - TOKEN_OPENS_MS);
    const room = state.stage === 'open' ? await citizenRoom(ctx.deps, req, res, row) : undefined;
    res.render('kep/views/call', {
      pageTitle: req.t(`${text}.call.title`),
      breadcrumbs: [listCrumb(req), { href: reached.base, text: row.reference }],
      a: present(req, row, ctx.deps.clock.now(), true, reached.base),
      stage: state.stage,
      reason: state.reason,
      room: room && { ...room, stateUrl: `${reached.base}/call/state`, audioOnly: state.audioOnly },
      opensAt: athensDateTime(opens).slice(11, 16),
      opensOn: formatDate(athensDate(opens), req.lang),
    });
  };
}

/** What the open call page polls (JSON): the stage, sound only, the reason of a refused check. */
function callState(ctx: ModuleContext): RequestHandler {
  return async (req, res) => {
    const { row } = await reachOwned(ctx, req);
    const { state } = await citizenCallState(ctx.deps, row);
    res.set('Cache-Control', 'private, no-store');
    res.json(state);
  };
}

/** A page about an appointment that can no longer be changed: why, with the appointment. */
function renderUnchangeable(req: Request, res: Response, reached: Reached, now: Date) {
  const a = present(req, reached.row, now, reached.owner, reached.base);
  res.status(409).render('kep/views/appointment', {
    pageTitle: req.t(`${text}.detail.title`, { reference: reached.row.reference }),
    breadcrumbs: crumbs(req, reached),
    a,
    owner: reached.owner,
    refusal: req.t(`${text}.refused.${a.started || a.state === 'ended' ? 'started' : 'notBooked'}`),
  });
}

interface CancelPage {
  reason?: string;
  errors?: readonly FieldError[];
}

function renderCancel(req: Request, res: Response, reached: Reached, now: Date, page: CancelPage) {
  const errors = page.errors ?? [];
  languageSwitchFrom(res, `${reached.base}/cancel`);
  res.status(errors.length ? 400 : 200).render('kep/views/manage-cancel', {
    pageTitle: req.t(`${text}.cancel.title`),
    breadcrumbs: [...crumbs(req, reached), { href: reached.base, text: reached.row.reference }],
    a: present(req, reached.row, now, reached.owner, reached.base),
    reason: page.reason ?? '',
    maxReason: MAX_REASON,
    ...presentErrors(req, errors),
  });
}

function cancelForm(ctx: ModuleContext, reach: Reach): RequestHandler {
  return async (req, res) => {
    const reached = await reach(ctx, req);
    const now = ctx.deps.clock.now();
    if (!isChangeable(reached.row, now)) return renderUnchangeable(req, res, reached, now);
    renderCancel(req, res, reached, now, {});
  };
}

function cancelAction(ctx: ModuleContext, reach: Reach): RequestHandler {
  return async (req, res) => {
    const reached = await reach(ctx, req);
    const now = ctx.deps.clock.now();
    if (!isChangeable(reached.row, now)) return renderUnchangeable(req, res, reached, now);
    const reason = formFields(req.body, ['reason']).reason.trim();
    const problem = !reason ? 'reasonMissing' : reason.length > MAX_REASON ? 'reasonTooLong' : '';
    if (problem)
      return renderCancel(req, res, reached, now, {
        reason,
        errors: [
          { field: 'reason', key: `${text}.cancel.errors.${problem}`, params: { max: MAX_REASON } },
        ],
      });
    const outcome = await cancelByCitizen(ctx.deps, reached.row.id, reason);
    if (outcome !== 'cancelled') {
      const fresh = await reach(ctx, req);
      return renderUnchangeable(req, res, fresh, ctx.deps.clock.now());
    }
    req.session.flash = { key: `${text}.notice.cancelled` };
    res.redirect(303, reached.base);
  };
}

interface ReschedulePage {
  day?: string;
  errors?: readonly FieldError[];
  /** A refusal's or a lost race's message, and the other times then offered. */
  problem?: string;
  next?: Date[];
}

async function renderReschedule(
  ctx: ModuleContext,
  req: Request,
  res: Response,
  reached: Reached,
  page: ReschedulePage,
  status = 200,
) {
  const now = ctx.deps.clock.now();
  const choices = await rescheduleChoices(ctx.deps, reached.row, page.day);
  const errors = page.errors ?? [];
  const dayHref = (day: string) => `${reached.base}/reschedule?day=${day}`;
  languageSwitchFrom(res, page.day ? dayHref(page.day) : `${reached.base}/reschedule`);
  res.status(errors.length ? 400 : status).render('kep/views/manage-reschedule', {
    pageTitle: req.t(`${text}.reschedule.title`),
    breadcrumbs: [...crumbs(req, reached), { href: reached.base, text: reached.row.reference }],
    a: present(req, reached.row, now, reached.owner, reached.base),
    action: `${reached.base}/reschedule`,
    days: choices.days.map((day) => ({
      href: dayHref(day),
      text: dayLabel(day, req.lang),
      current: day === choices.day,
    })),
    day: choices.day ?? '',
    dayText: choices.day ? dayLabel(choices.day, req.lang) : '',
    slots: choices.slots.map((slot) => ({
      value: slot.start.toISOString(),
      text: timeRange(slot.start, slot.end),
    })),
    problem: page.problem ?? '',
    next: (page.next ?? []).map((start) => ({
      value: start.toISOString(),
      text: formatDateTime(start, req.lang),
    })),
    ...presentErrors(req, errors),
  });
}

function rescheduleForm(ctx: ModuleContext, reach: Reach): RequestHandler {
  return async (req, res) => {
    const reached = await reach(ctx, req);
    const now = ctx.deps.clock.now();
    if (!isChangeable(reached.row, now)) return renderUnchangeable(req, res, reached, now);
    const day = parseIsoDate(req.query.day);
    await renderReschedule(ctx, req, res, reached, day ? { day } : {});
  };
}

/** A start the form sent: an instant as the form writes it, or nothing. */
function startOf(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return undefined;
  const start = new Date(value);
  return Number.isNaN(start.getTime()) ? undefined : start;
}

function rescheduleAction(ctx: ModuleContext, reach: Reach): RequestHandler {
  return async (req, res) => {
    const reached = await reach(ctx, req);
    const now = ctx.deps.clock.now();
    if (!isChangeable(reached.row, now)) return renderUnchangeable(req, res, reached, now);
    const fields = formFields(req.body, ['start', 'day']);
    const day = parseIsoDate(fields.day);
    const start = startOf(fields.start);
    if (!start)
      return renderReschedule(ctx, req, res, reached, {
        ...(day ? { day } : {}),
        errors: [{ field: 'start', key: `${text}.reschedule.errors.chooseTime` }],
      });
    const outcome = await rescheduleByCitizen(ctx.deps, reached.row, start);
    if ('booked' in outcome) {
      req.session.flash = { key: `${text}.notice.rescheduled` };
      return res.redirect(
        303,
        reached.owner ? `/kep/appointments/${outcome.booked.id}` : reached.base,
      );
    }
    const fresh = await reach(ctx, req);
    if (!isChangeable(fresh.row, ctx.deps.clock.now()))
      return renderUnchangeable(req, res, fresh, ctx.deps.clock.now());
    const again = day ?? undefined;
    if ('taken' in outcome)
      return renderReschedule(
        ctx,
        req,
        res,
        fresh,
        {
          ...(again ? { day: again } : {}),
          problem: req.t(`${text}.taken`),
          next: outcome.taken.next,
        },
        409,
      );
    return renderReschedule(
      ctx,
      req,
      res,
      fresh,
      { ...(again ? { day: again } : {}), problem: req.t(`${text}.refused.${outcome.refused}`) },
      409,
    );
  };
}

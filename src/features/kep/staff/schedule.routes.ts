import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { addDays, parseIsoDate } from '../../../lib/dates.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate } from '../../../lib/format.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { createConsoleRouter } from '../call/console.routes.ts';
import { createGuestStaffRouter } from '../call/guests.routes.ts';
import { createOutcomeRouter } from '../call/outcome.routes.ts';
import { createScheduleAppointmentRouter } from './schedule-appointment.routes.ts';
import { createScheduleBookRouter } from './schedule-book.routes.ts';
import { dayLabel } from '../kep.format.ts';
import { one, presentEntry, SCHEDULE, viewerOf } from './schedule.present.ts';
import { isManager, kepClerks, scheduleOf, type ScheduleEntry } from './schedule.service.ts';

/** Today and the next seven days. */
const DAYS_SHOWN = 8;
/** How far from today the schedule may be paged (about three years either way). */
const PAGE_REACH_DAYS = 1100;

/**
 * /staff/kep (clerk): the signed-in clerk's schedule (every clerk's for ΚΕΠ managers), an
 * appointment's details and documents (special-category data: its clerk and managers only,
 * audited), marking a no-show, and booking on behalf of a citizen who phoned or came in.
 */
export function createKepScheduleRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', (req, res) => renderSchedule(deps, req, res));
  router.use(createScheduleBookRouter(ctx));
  router.use(createScheduleAppointmentRouter(ctx));
  router.use(createConsoleRouter(ctx));
  router.use(createOutcomeRouter(ctx));
  router.use(createGuestStaffRouter(ctx));
  return router;
}

/** The schedule from `?from=` (today by default) for eight days; managers may pick a clerk. */
async function renderSchedule(deps: Deps, req: Request, res: Response): Promise<void> {
  const viewer = viewerOf(req);
  const manager = isManager(viewer);
  const today = athensDate(deps.clock.now());
  const errors: FieldError[] = [];
  const askedFrom = one(req.query.from).trim();
  let from = today;
  if (askedFrom) {
    const day = parseIsoDate(askedFrom);
    const reachable =
      day && day >= addDays(today, -PAGE_REACH_DAYS) && day <= addDays(today, PAGE_REACH_DAYS);
    if (reachable) from = day;
    else errors.push({ field: 'from', key: 'kep.schedule.errors.from' });
  }
  const clerks = manager ? await kepClerks(deps.db) : [];
  const askedClerk = one(req.query.clerk);
  let clerkId: number | undefined = manager ? undefined : viewer.id;
  if (manager && askedClerk) {
    const chosen = clerks.find((clerk) => String(clerk.id) === askedClerk);
    if (chosen) clerkId = chosen.id;
    else errors.push({ field: 'clerk', key: 'kep.schedule.errors.clerk' });
  }
  const to = addDays(from, DAYS_SHOWN - 1);
  const entries = await scheduleOf(deps.db, { from, to }, clerkId);
  const byDay = new Map<string, ScheduleEntry[]>();
  for (const entry of entries) {
    const day = athensDate(entry.starts_at);
    byDay.set(day, [...(byDay.get(day) ?? []), entry]);
  }
  const days = [];
  for (let day = from; day <= to; day = addDays(day, 1))
    days.push({
      day,
      heading: dayLabel(day, req.lang),
      isToday: day === today,
      appointments: (byDay.get(day) ?? []).map((row) => presentEntry(req, row)),
    });
  const pageOf = (start: string) => {
    const query = new URLSearchParams({ from: start });
    if (manager && clerkId !== undefined) query.set('clerk', String(clerkId));
    return `${SCHEDULE}?${query.toString()}`;
  };
  res.status(errors.length ? 400 : 200).render('kep/staff/views/schedule', {
    pageTitle: req.t('kep.schedule.title'),
    manager,
    clerks,
    filter: { from: askedFrom || from, clerk: clerkId === undefined ? '' : String(clerkId) },
    range: { from: formatDate(from, req.lang), to: formatDate(to, req.lang) },
    days,
    pages: {
      previous: pageOf(addDays(from, -DAYS_SHOWN)),
      next: pageOf(addDays(from, DAYS_SHOWN)),
      today: from === today ? undefined : pageOf(today),
    },
    ...presentFormErrors(req, errors),
  });
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { addDays } from '../../../lib/dates.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime } from '../../../lib/format.ts';
import { formFields } from '../../../lib/form.ts';
import { idParam } from '../../../lib/params.ts';
import { publicHolidays } from '../../../lib/working-days.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { localFeast } from '../../site/local-feast.ts';
import { planChanges, type Takes } from './reassign.service.ts';
import { renderClerk } from './settings-clerks.routes.ts';
import { BASE, crumbs, K, presentRange, rangeValues, render } from './settings.page.ts';
import {
  addRange,
  checkRangeForm,
  findClerk,
  rangesFrom,
  readRangeForm,
  removeRange,
  type RangeForm,
} from './settings.service.ts';

/**
 * Leave and closures (kep_manager): a clerk's leave (added from the clerk's page), the closures
 * page with the coming public holidays, and, over booked appointments, the confirmation listing
 * what will happen to each.
 */
export function createSettingsRangesRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.post('/clerks/:id/absences', addRangeForm(deps, 'absence'));
  router.post('/clerks/:id/absences/:range/remove', removeRangeForm(deps, 'absence'));
  router.get('/closures', async (req, res) => renderClosures(deps, req, res));
  router.post('/closures', addRangeForm(deps, 'closure'));
  router.post('/closures/:range/remove', removeRangeForm(deps, 'closure'));
  return router;
}

/** A route's numeric parameter other than :id (404 for anything else). */
function numberParam(req: Request, name: string): number {
  const text = String(req.params[name]);
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

/**
 * Adds leave (a clerk's) or a closure. Over booked appointments it first shows what will happen
 * to each; the confirmation's form (confirm=yes) adds it, moving or cancelling them.
 */
function addRangeForm(deps: Deps, kind: 'absence' | 'closure'): RequestHandler {
  return async (req, res) => {
    const clerkId = kind === 'absence' ? idParam(req) : undefined;
    if (clerkId !== undefined && !(await findClerk(deps.db, clerkId))) throw new NotFoundError();
    const range = readRangeForm(req.body);
    const checked = checkRangeForm(range, kind === 'closure');
    if (!checked.range) {
      const form = { range, errors: checked.errors };
      if (clerkId !== undefined) return renderClerk(deps, req, res, clerkId, form);
      return renderClosures(deps, req, res, form);
    }
    const days = { from: checked.range.from, to: checked.range.to };
    const takes: Takes =
      clerkId !== undefined
        ? { kind: 'absence', clerkId, days, reason: checked.range.reason }
        : { kind: 'closure', days, reason: checked.range.reason };
    const back = clerkId !== undefined ? `${BASE}/clerks/${clerkId}` : `${BASE}/closures`;
    if (formFields(req.body, ['confirm']).confirm !== 'yes') {
      const plan = await planChanges(deps, takes);
      if (plan.length) return renderAffected(req, res, { kind, range, back, plan });
    }
    const done = await addRange(deps, takes, req.user!.id, auditContext(req));
    req.session.flash = {
      key: `${K}.done.${kind}Added`,
      params: { reassigned: String(done.reassigned), cancelled: String(done.cancelled) },
    };
    res.redirect(303, back);
  };
}

function renderAffected(
  req: Request,
  res: Response,
  page: {
    kind: 'absence' | 'closure';
    range: RangeForm;
    back: string;
    plan: Awaited<ReturnType<typeof planChanges>>;
  },
): void {
  languageSwitchFrom(res, page.back);
  render(req, res, 'settings-affected', {
    pageTitle: req.t(`${K}.affected.title`),
    breadcrumbs: crumbs(req),
    kind: page.kind,
    action: page.back === `${BASE}/closures` ? `${BASE}/closures` : `${page.back}/absences`,
    back: page.back,
    range: page.range,
    rows: page.plan.map(({ appointment, moveTo }) => ({
      reference: appointment.reference,
      when: formatDateTime(appointment.startsAt, req.lang),
      citizen: appointment.fullName,
      area: req.lang === 'en' ? appointment.areaName.en : appointment.areaName.el,
      clerk: appointment.clerkName,
      outcome: moveTo
        ? req.t(`${K}.affected.moveTo`, { name: moveTo.name })
        : req.t(`${K}.affected.cancel`),
      moved: Boolean(moveTo),
    })),
  });
}

function removeRangeForm(deps: Deps, kind: 'absence' | 'closure'): RequestHandler {
  return async (req, res) => {
    const clerkId = kind === 'absence' ? idParam(req) : undefined;
    const id = numberParam(req, 'range');
    const removed = await removeRange(deps, kind, id, clerkId, req.user!.id, auditContext(req));
    if (!removed) throw new NotFoundError();
    req.session.flash = { key: `${K}.done.${kind}Removed` };
    res.redirect(303, clerkId !== undefined ? `${BASE}/clerks/${clerkId}` : `${BASE}/closures`);
  };
}

async function renderClosures(
  deps: Deps,
  req: Request,
  res: Response,
  form: { range?: RangeForm; errors?: FieldError[] } = {},
): Promise<void> {
  languageSwitchFrom(res, `${BASE}/closures`);
  const today = athensDate(deps.clock.now());
  const closures = await rangesFrom(deps.db, 'kep_closures', today);
  render(
    req,
    res,
    'settings-closures',
    {
      pageTitle: req.t(`${K}.closures.title`),
      settingsTab: 'closures',
      closures: closures.map((range) => presentRange(req, range)),
      range: rangeValues(form.range),
      holidays: await comingHolidays(deps, req, today),
    },
    form.errors,
    ['from', 'to'],
  );
}

/** The public holidays of the coming year (the slot maths refuses them already). */
async function comingHolidays(deps: Deps, req: Request, today: string) {
  const feast = await localFeast(deps);
  const until = addDays(today, 365);
  const year = Number(today.slice(0, 4));
  return [year, year + 1]
    .flatMap((y) => [...publicHolidays(y, feast).entries()])
    .filter(([day]) => day >= today && day <= until)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, key]) => ({
      date: formatDate(day, req.lang),
      name: req.t(`${K}.holidays.${key}`),
    }));
}

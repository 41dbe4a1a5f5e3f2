import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { addDays, isoToDateParts } from '../../../lib/dates.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime } from '../../../lib/format.ts';
import { formFields } from '../../../lib/form.ts';
import { idParam } from '../../../lib/params.ts';
import { publicHolidays } from '../../../lib/working-days.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { changeSettings, readSetting } from '../../settings/settings.ts';
import { localFeast } from '../../site/local-feast.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { KEP_SETTINGS } from '../kep.settings.ts';
import { planChanges, type Takes } from './reassign.service.ts';
import {
  addRange,
  checkAreaForm,
  checkHours,
  checkRangeForm,
  findArea,
  findClerk,
  listAreas,
  listClerks,
  MOST_HOUR_ROWS,
  rangesFrom,
  readHoursForm,
  readRangeForm,
  removeRange,
  saveArea,
  saveClerkAreas,
  saveHours,
  type AreaForm,
  type HoursFormRow,
  type RangeForm,
} from './settings.service.ts';

const BASE = '/staff/kep/settings';
const VIEWS = 'kep/staff/views';
const K = 'kep.staffSettings';
/** Empty rows the hours form offers beyond the clerk's rows (a row is added by filling one). */
const SPARE_HOUR_ROWS = 3;

/**
 * /staff/kep/settings (kep_manager): the service areas, the clerks (their areas, weekly hours and
 * leave), closures with the coming public holidays, and the booking policy. Every page works
 * without JavaScript; leave or a closure over booked appointments asks first, listing what will
 * happen to each.
 */
export function createKepSettingsRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', async (req, res) => renderAreas(deps, req, res));
  router.get('/areas/:id', async (req, res) => renderArea(deps, req, res, idParam(req)));
  router.post('/areas/:id', saveAreaForm(deps));
  router.get('/clerks', async (req, res) => renderClerks(deps, req, res));
  router.get('/clerks/:id', async (req, res) => renderClerk(deps, req, res, idParam(req)));
  router.post('/clerks/:id/areas', saveAreasForm(deps));
  router.post('/clerks/:id/hours', saveHoursForm(deps));
  router.post('/clerks/:id/absences', addRangeForm(deps, 'absence'));
  router.post('/clerks/:id/absences/:range/remove', removeRangeForm(deps, 'absence'));
  router.get('/closures', async (req, res) => renderClosures(deps, req, res));
  router.post('/closures', addRangeForm(deps, 'closure'));
  router.post('/closures/:range/remove', removeRangeForm(deps, 'closure'));
  router.get('/policy', async (req, res) => renderPolicy(deps, req, res));
  router.post('/policy', savePolicyForm(deps));
  return router;
}

/** A route's numeric parameter other than :id (404 for anything else). */
function numberParam(req: Request, name: string): number {
  const text = String(req.params[name]);
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

const areaName = (req: Request, area: { name_el: string; name_en: string }) =>
  req.lang === 'en' ? area.name_en : area.name_el;

const crumbs = (req: Request, ...more: { href: string; text: string }[]) => [
  { href: BASE, text: req.t(`${K}.title`) },
  ...more,
];

function render(
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown>,
  errors: readonly FieldError[] = [],
  dateFields: readonly string[] = [],
): void {
  res
    .status(errors.length ? 400 : 200)
    .render(`${VIEWS}/${view}`, { ...locals, ...presentFormErrors(req, errors, dateFields) });
}

// Areas.

async function renderAreas(deps: Deps, req: Request, res: Response): Promise<void> {
  const areas = await listAreas(deps.db);
  render(req, res, 'settings-areas', {
    pageTitle: req.t(`${K}.title`),
    settingsTab: 'areas',
    areas: areas.map((area) => ({ ...area, name: areaName(req, area) })),
  });
}

async function renderArea(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: { values?: AreaForm; errors?: FieldError[] } = {},
): Promise<void> {
  const area = await findArea(deps.db, id);
  if (!area) throw new NotFoundError();
  const href = `${BASE}/areas/${id}`;
  languageSwitchFrom(res, href);
  render(
    req,
    res,
    'settings-area',
    {
      pageTitle: areaName(req, area),
      breadcrumbs: crumbs(req),
      action: href,
      values: form.values ?? {
        nameEl: area.name_el,
        nameEn: area.name_en,
        minutes: String(area.minutes),
        active: area.active ? 'yes' : '',
      },
    },
    form.errors,
  );
}

function saveAreaForm(deps: Deps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const values = formFields(req.body, ['nameEl', 'nameEn', 'minutes', 'active']);
    const checked = checkAreaForm(values);
    if (!checked.input) return renderArea(deps, req, res, id, { values, errors: checked.errors });
    if (!(await saveArea(deps, id, checked.input, req.user!.id, auditContext(req))))
      throw new NotFoundError();
    req.session.flash = { key: `${K}.area.saved` };
    res.redirect(303, BASE);
  };
}

// Clerks.

async function renderClerks(deps: Deps, req: Request, res: Response): Promise<void> {
  const [clerks, areas] = await Promise.all([listClerks(deps.db), listAreas(deps.db)]);
  const names = new Map(areas.map((area) => [area.id, areaName(req, area)]));
  render(req, res, 'settings-clerks', {
    pageTitle: req.t(`${K}.clerks.title`),
    settingsTab: 'clerks',
    clerks: clerks.map((clerk) => ({
      id: clerk.id,
      name: clerk.full_name,
      username: clerk.username,
      areas: clerk.area_ids.map((id) => names.get(id) ?? ''),
      hours: clerk.hours.map(
        (row) => `${req.t(`${K}.weekdays.${row.weekday}`)} ${row.starts}–${row.ends}`,
      ),
    })),
  });
}

interface ClerkPageForm {
  ticked?: string[];
  hourRows?: HoursFormRow[];
  range?: RangeForm;
  errors?: FieldError[];
}

async function renderClerk(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: ClerkPageForm = {},
): Promise<void> {
  const clerk = await findClerk(deps.db, id);
  if (!clerk) throw new NotFoundError();
  const href = `${BASE}/clerks/${id}`;
  languageSwitchFrom(res, href);
  const today = athensDate(deps.clock.now());
  const [areas, absences] = await Promise.all([
    listAreas(deps.db),
    rangesFrom(deps.db, 'kep_absences', today, id),
  ]);
  const ticked = form.ticked ?? clerk.area_ids.map(String);
  const stored = clerk.hours.map((row) => ({ ...row, weekday: String(row.weekday) }));
  const hourRows = form.hourRows ?? stored;
  const spare = Math.max(0, Math.min(SPARE_HOUR_ROWS, MOST_HOUR_ROWS - hourRows.length));
  render(
    req,
    res,
    'settings-clerk',
    {
      pageTitle: clerk.full_name,
      breadcrumbs: crumbs(req, { href: `${BASE}/clerks`, text: req.t(`${K}.clerks.title`) }),
      clerk: { id, name: clerk.full_name, username: clerk.username, href },
      areas: areas.map((area) => ({
        id: area.id,
        name: areaName(req, area),
        active: area.active,
        checked: ticked.includes(String(area.id)),
      })),
      hourRows: [
        ...hourRows,
        ...Array.from({ length: spare }, () => ({ weekday: '', starts: '', ends: '' })),
      ],
      weekdays: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
        value: String(n),
        text: req.t(`${K}.weekdays.${n}`),
      })),
      absences: absences.map((range) => presentRange(req, range)),
      range: rangeValues(form.range),
    },
    form.errors,
    ['from', 'to'],
  );
}

const presentRange = (
  req: Request,
  range: { id: number; from: string; to: string; reason: string | null },
) => ({
  id: range.id,
  from: formatDate(range.from, req.lang),
  to: formatDate(range.to, req.lang),
  reason: range.reason ?? '',
});

const rangeValues = (range: RangeForm | undefined) =>
  range ?? { from: isoToDateParts(null), to: isoToDateParts(null), reason: '' };

const tickedAreas = (body: unknown): string[] => {
  const value = (body as Record<string, unknown> | undefined)?.areas;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => (typeof v === 'string' ? v : '')).filter((v) => v !== '');
};

function saveAreasForm(deps: Deps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    if (!(await findClerk(deps.db, id))) throw new NotFoundError();
    const ticked = tickedAreas(req.body);
    const errors = await saveClerkAreas(deps, id, ticked, req.user!.id, auditContext(req));
    if (errors.length) return renderClerk(deps, req, res, id, { ticked, errors });
    req.session.flash = { key: `${K}.clerk.areasSaved` };
    res.redirect(303, `${BASE}/clerks/${id}`);
  };
}

function saveHoursForm(deps: Deps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    if (!(await findClerk(deps.db, id))) throw new NotFoundError();
    const hourRows = readHoursForm(req.body);
    const checked = checkHours(hourRows);
    const errors = checked.hours
      ? await saveHours(deps, id, checked.hours, req.user!.id, auditContext(req))
      : checked.errors;
    if (errors.length) return renderClerk(deps, req, res, id, { hourRows, errors });
    req.session.flash = { key: `${K}.clerk.hoursSaved` };
    res.redirect(303, `${BASE}/clerks/${id}`);
  };
}

// Leave and closures.

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

// The booking policy: the module's settings, saved through the shared settings service.

const policyField = (key: string) => key.replace('.', '-');

async function renderPolicy(
  deps: Deps,
  req: Request,
  res: Response,
  form: { values?: Record<string, string>; errors?: FieldError[] } = {},
): Promise<void> {
  languageSwitchFrom(res, `${BASE}/policy`);
  const values: Record<string, string> = { ...form.values };
  if (!form.values)
    for (const setting of KEP_SETTINGS)
      values[policyField(setting.key)] = String(await readSetting(deps, setting.key));
  render(
    req,
    res,
    'settings-policy',
    {
      pageTitle: req.t(`${K}.policy.title`),
      settingsTab: 'policy',
      settings: KEP_SETTINGS.map((setting) => ({
        field: policyField(setting.key),
        label: req.t(setting.labelKey),
        hint: [
          setting.hintKey ? req.t(setting.hintKey) : '',
          req.t(`${K}.policy.range`, {
            min: setting.min,
            max: setting.max,
            default: setting.default(deps.config),
          }),
        ]
          .filter(Boolean)
          .join(' '),
        value: values[policyField(setting.key)] ?? '',
      })),
    },
    form.errors,
  );
}

function savePolicyForm(deps: Deps): RequestHandler {
  return async (req, res) => {
    const values = formFields(
      req.body,
      KEP_SETTINGS.map((setting) => policyField(setting.key)),
    );
    const parsed: Record<string, number> = {};
    const errors: FieldError[] = [];
    for (const setting of KEP_SETTINGS) {
      const field = policyField(setting.key);
      const raw = (values[field] ?? '').trim();
      values[field] = raw;
      const number = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
      if (number >= setting.min && number <= setting.max) parsed[setting.key] = number;
      else
        errors.push({
          field,
          key: `${K}.errors.range`,
          params: { label: req.t(setting.labelKey), min: setting.min, max: setting.max },
        });
    }
    const first = parsed['kep.firstReminderMinutes'];
    const second = parsed['kep.secondReminderMinutes'];
    if (first !== undefined && second !== undefined && second >= first)
      errors.push({
        field: policyField('kep.secondReminderMinutes'),
        key: `${K}.errors.reminders`,
      });
    if (errors.length) return renderPolicy(deps, req, res, { values, errors });
    const changed = await changeSettings(deps, parsed, req.user!.id, auditContext(req));
    req.session.flash = { key: `${K}.policy.${changed.length ? 'saved' : 'unchanged'}` };
    res.redirect(303, `${BASE}/policy`);
  };
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { areaName, BASE, crumbs, K, presentRange, rangeValues, render } from './settings.page.ts';
import {
  checkHours,
  findClerk,
  listAreas,
  listClerks,
  MOST_HOUR_ROWS,
  rangesFrom,
  readHoursForm,
  saveClerkAreas,
  saveHours,
  type HoursFormRow,
  type RangeForm,
} from './settings.service.ts';

/** Empty rows the hours form offers beyond the clerk's rows (a row is added by filling one). */
const SPARE_HOUR_ROWS = 3;

/**
 * /staff/kep/settings/clerks (kep_manager): the clerks, and each one's page with their areas,
 * weekly hours and leave (the leave's forms are in settings-ranges.routes.ts).
 */
export function createSettingsClerksRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/clerks', async (req, res) => renderClerks(deps, req, res));
  router.get('/clerks/:id', async (req, res) => renderClerk(deps, req, res, idParam(req)));
  router.post('/clerks/:id/areas', saveAreasForm(deps));
  router.post('/clerks/:id/hours', saveHoursForm(deps));
  return router;
}

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

export async function renderClerk(
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

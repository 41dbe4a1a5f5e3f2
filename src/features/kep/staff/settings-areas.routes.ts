import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { idParam } from '../../../lib/params.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { areaName, BASE, crumbs, K, render } from './settings.page.ts';
import { checkAreaForm, findArea, listAreas, saveArea, type AreaForm } from './settings.service.ts';

/**
 * /staff/kep/settings (kep_manager), the settings' first page: the service areas, each one's
 * name, length and whether it is offered.
 */
export function createSettingsAreasRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', async (req, res) => renderAreas(deps, req, res));
  router.get('/areas/:id', async (req, res) => renderArea(deps, req, res, idParam(req)));
  router.post('/areas/:id', saveAreaForm(deps));
  return router;
}

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

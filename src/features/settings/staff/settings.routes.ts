import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { SettingDefinition } from '../../module.ts';
import { settingsOf } from '../../registry.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { changeSettings, readSetting } from '../settings.ts';

type SettingsDeps = Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>;

/** A setting's form field: its key with the dot made a hyphen ('accounts-pendingAccountDays'). */
const fieldOf = (key: string) => key.replace('.', '-');

const allSettings = (deps: SettingsDeps) => settingsOf(deps.modules).map(({ setting }) => setting);

/** /staff/settings (admins): every module's settings, with their bounds and defaults, audited. */
export function createSettingsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const values: Record<string, string> = {};
    for (const setting of allSettings(deps))
      values[fieldOf(setting.key)] = String(await readSetting(deps, setting.key));
    renderSettings(deps, req, res, values, []);
  });
  router.post('/', async (req, res) => {
    const { values, parsed, errors } = readSettingsForm(allSettings(deps), req);
    if (errors.length) {
      renderSettings(deps, req, res, values, errors);
      return;
    }
    const changed = await changeSettings(deps, parsed, req.user!.id, auditContext(req));
    req.session.flash = {
      key: changed.length ? 'staff.settings.saved' : 'staff.settings.unchanged',
    };
    res.redirect(303, '/staff/settings');
  });
  return router;
}

function renderSettings(
  deps: SettingsDeps,
  req: Request,
  res: Response,
  values: Record<string, string>,
  errors: FieldError[],
): void {
  res.status(errors.length ? 400 : 200).render('settings/staff/views/settings', {
    pageTitle: req.t('staff.settings.title'),
    settings: allSettings(deps).map((setting) => ({
      field: fieldOf(setting.key),
      label: req.t(setting.labelKey),
      hint: setting.hintKey ? req.t(setting.hintKey) : '',
      range: req.t('staff.settings.range', {
        min: setting.min,
        max: setting.max,
        default: setting.default(deps.config),
      }),
      value: values[fieldOf(setting.key)] ?? '',
    })),
    ...presentFormErrors(req, errors),
  });
}

/** Each setting's typed value, and the whole numbers within its bounds. */
function readSettingsForm(settings: readonly SettingDefinition[], req: Request) {
  const body = req.body as Record<string, unknown>;
  const values: Record<string, string> = {};
  const parsed: Record<string, number> = {};
  const errors: FieldError[] = [];
  for (const setting of settings) {
    const field = fieldOf(setting.key);
    const raw = typeof body[field] === 'string' ? body[field].trim() : '';
    values[field] = raw;
    const number = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (!(number >= setting.min && number <= setting.max))
      errors.push({
        field,
        key: 'staff.settings.errors.range',
        params: { label: req.t(setting.labelKey), min: setting.min, max: setting.max },
      });
    else parsed[setting.key] = number;
  }
  return { values, parsed, errors };
}

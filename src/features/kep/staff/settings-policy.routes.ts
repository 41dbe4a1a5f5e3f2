import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { changeSettings, readSetting } from '../../settings/settings.ts';
import { KEP_SETTINGS } from '../kep.settings.ts';
import { BASE, K, render } from './settings.page.ts';

/**
 * /staff/kep/settings/policy (kep_manager): the booking policy, the module's settings, saved
 * through the shared settings service.
 */
export function createSettingsPolicyRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/policy', async (req, res) => renderPolicy(deps, req, res));
  router.post('/policy', savePolicyForm(deps));
  return router;
}

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

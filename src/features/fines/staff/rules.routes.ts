import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { isoToDateParts, readDateParts } from '../../../lib/dates.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { parseForm } from '../../../lib/forms.ts';
import { athensDate, formatDate } from '../../../lib/format.ts';
import { idParam } from '../../../lib/params.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { ruleSchema } from '../fines.schemas.ts';
import { findRule, listRules, saveRule, type RuleRow } from './rules.service.ts';

export const RULES = '/staff/finance/rules';
const NUMBER_FIELDS = ['reductionPercent', 'reductionDays', 'objectionDays', 'note'] as const;

interface RuleForm {
  effectiveFrom: { day: string; month: string; year: string };
  reductionPercent: string;
  reductionDays: string;
  objectionDays: string;
  note: string;
}

/** /staff/finance/rules (finance): the dated rules that give fines their deadlines and reduction. */
export function createRulesRouter(deps: Deps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const rules = await listRules(deps.db);
    res.render('fines/staff/views/rules', {
      pageTitle: req.t('fines.rules.title'),
      rules: rules.map((rule) => ({ ...rule, from: formatDate(rule.effective_from, req.lang) })),
    });
  });
  router.get('/new', (req, res) => renderRule(deps, req, res, undefined));
  router.post('/new', save(deps, false));
  router.get('/:id', (req, res) => renderRule(deps, req, res, idParam(req)));
  router.post('/:id', save(deps, true));
  return router;
}

const formOf = (rule: RuleRow): RuleForm => ({
  effectiveFrom: isoToDateParts(rule.effective_from),
  reductionPercent: String(rule.reduction_percent),
  reductionDays: String(rule.reduction_days),
  objectionDays: String(rule.objection_days),
  note: rule.note,
});

async function renderRule(
  deps: Deps,
  req: Request,
  res: Response,
  id: number | undefined,
  form: { values?: RuleForm; errors?: FieldError[] } = {},
): Promise<void> {
  const rule = id === undefined ? undefined : await findRule(deps.db, id);
  if (id !== undefined && !rule) throw new NotFoundError();
  const errors = form.errors ?? [];
  const action = rule ? `${RULES}/${rule.id}` : `${RULES}/new`;
  languageSwitchFrom(res, action);
  res.status(errors.length ? 400 : 200).render('fines/staff/views/rule', {
    pageTitle: rule
      ? req.t('fines.rules.editTitle', { date: formatDate(rule.effective_from, req.lang) })
      : req.t('fines.rules.newTitle'),
    breadcrumbs: [{ href: RULES, text: req.t('fines.rules.title') }],
    action,
    values:
      form.values ??
      (rule
        ? formOf(rule)
        : {
            effectiveFrom: { day: '', month: '', year: '' },
            reductionPercent: '0',
            reductionDays: '0',
            objectionDays: '60',
            note: '',
          }),
    // A rule in effect is shown, not changed: fines issued under it keep it.
    inEffect: rule ? rule.effective_from <= athensDate(deps.clock.now()) : false,
    ...presentFormErrors(req, errors, ['effectiveFrom']),
  });
}

function save(deps: Deps, existing: boolean): RequestHandler {
  return async (req, res) => {
    const id = existing ? idParam(req) : undefined;
    const values: RuleForm = {
      ...formFields(req.body, NUMBER_FIELDS),
      effectiveFrom: readDateParts(req.body, 'effectiveFrom'),
    };
    const parsed = parseForm(ruleSchema, values);
    const saved = parsed.ok
      ? await saveRule(deps, id, parsed.data, req.user!.id, auditContext(req))
      : { errors: parsed.errors };
    if (saved === 'not-found') throw new NotFoundError();
    if (saved.errors.length)
      return renderRule(deps, req, res, id, { values, errors: saved.errors });
    req.session.flash = { key: existing ? 'fines.rules.done.updated' : 'fines.rules.done.created' };
    res.redirect(303, RULES);
  };
}

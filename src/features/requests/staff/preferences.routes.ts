import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { pick } from '../../../lib/localized.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { membershipsOf, type Membership } from './preferences.repository.ts';
import { setNotificationChoices } from './preferences.service.ts';
import { NOTIFY_CHOICES, notifyChoice } from './settings.schemas.ts';

const PATH = '/staff/requests/preferences';
const fieldOf = (departmentId: number) => `department-${departmentId}`;

/** /staff/requests/preferences (handlers): per department, a mail per new request or a daily digest. */
export function createPreferencesRouter(deps: Pick<Deps, 'db'>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const memberships = await membershipsOf(deps.db, req.user!.id);
    const values = Object.fromEntries(
      memberships.map((m) => [fieldOf(m.department_id), m.daily_digest ? 'digest' : 'each']),
    );
    render(req, res, memberships, values, []);
  });
  router.post('/', async (req, res) => {
    const memberships = await membershipsOf(deps.db, req.user!.id);
    const body = req.body as Record<string, unknown>;
    const values: Record<string, string> = {};
    const choices = new Map<number, boolean>();
    const errors: FieldError[] = [];
    for (const m of memberships) {
      const field = fieldOf(m.department_id);
      const parsed = notifyChoice.safeParse(body[field]);
      values[field] = typeof body[field] === 'string' ? body[field] : '';
      if (parsed.success) choices.set(m.department_id, parsed.data === 'digest');
      else
        errors.push({
          field,
          key: 'requests.preferences.errors.choice',
          params: { department: pick(m.name, req.lang) },
        });
    }
    if (errors.length) return render(req, res, memberships, values, errors);
    const changed = await setNotificationChoices(deps, req.user!.id, choices, auditContext(req));
    req.session.flash = {
      key: changed ? 'requests.preferences.saved' : 'requests.preferences.unchanged',
    };
    res.redirect(303, PATH);
  });
  return router;
}

function render(
  req: Request,
  res: Response,
  memberships: readonly Membership[],
  values: Record<string, string>,
  errors: FieldError[],
): void {
  languageSwitchFrom(res, PATH);
  res.status(errors.length ? 400 : 200).render('requests/staff/views/preferences', {
    pageTitle: req.t('requests.preferences.title'),
    breadcrumbs: [{ href: '/staff/requests', text: req.t('requests.staff.queue.title') }],
    departments: memberships.map((m) => ({
      field: fieldOf(m.department_id),
      name: pick(m.name, req.lang),
    })),
    choices: NOTIFY_CHOICES,
    values,
    ...presentFormErrors(req, errors),
  });
}

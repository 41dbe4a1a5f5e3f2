import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { idParam } from '../../../lib/params.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import type { Services } from '../../../services.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { UserRow } from '../../accounts/users.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { knownRoles } from './staff-roles.ts';

type StaffUsers = Services['staffUsers'];

const rolesFrom = (body: unknown): string[] => {
  const value = (body as Record<string, unknown> | undefined)?.roles;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};

/** The invitation form. */
function renderNew(
  deps: Pick<Deps, 'modules'>,
  req: Request,
  res: Response,
  form: { values: Record<string, string>; roles: string[]; errors: FormError[] },
  status = 200,
): void {
  res.status(status).render('admin/staff/views/user-new', {
    pageTitle: req.t('staff.users.newTitle'),
    values: form.values,
    roles: form.roles,
    allRoles: knownRoles(deps),
    ...presentErrors(req, form.errors),
  });
}

/** A staff account's page; its forms (roles, disable, enable) are answered with it. */
async function renderUser(
  deps: Pick<Deps, 'modules'>,
  staffUsers: StaffUsers,
  req: Request,
  res: Response,
  id: number,
  errors: FormError[] = [],
  status = 200,
): Promise<void> {
  const user = await staffUsers.findStaffUser(id);
  languageSwitchFrom(res, `/staff/users/${id}`);
  res.status(status).render('admin/staff/views/user', {
    pageTitle: user.full_name,
    staffUser: user,
    allRoles: knownRoles(deps),
    isSelf: user.id === req.user!.id,
    ...presentErrors(req, errors),
  });
}

/** Disabling signs the person out at once: asked about first, on a page of its own. */
function renderDisableConfirm(req: Request, res: Response, user: UserRow): void {
  const href = `/staff/users/${user.id}`;
  res.render('staff/confirm', {
    pageTitle: req.t('staff.users.disableConfirm.title'),
    breadcrumbs: [
      { href: '/staff/users', text: req.t('staff.users.title') },
      { href, text: user.full_name },
    ],
    title: req.t('staff.users.disableConfirm.title'),
    itemName: `${user.full_name} (${user.username})`,
    lead: req.t('staff.users.disableConfirm.lead'),
    action: `${href}/disable`,
    yes: req.t('staff.users.disableConfirm.yes'),
    cancel: req.t('staff.users.disableConfirm.cancel'),
    cancelHref: href,
  });
}

/** /staff/users: staff accounts (admins only). */
export function createStaffUsersRouter(deps: Deps, staffUsers: StaffUsers): Router {
  const router = Router();

  router.get('/', listStaff(staffUsers));
  router.get('/new', (req, res) =>
    renderNew(deps, req, res, { values: {}, roles: [], errors: [] }),
  );
  router.post('/new', invite(deps, staffUsers));
  router.get('/:id', async (req, res) => renderUser(deps, staffUsers, req, res, idParam(req)));
  router.post('/:id/roles', setRoles(deps, staffUsers));
  router.get('/:id/disable', confirmDisable(staffUsers));
  router.post('/:id/disable', setDisabled(deps, staffUsers, true));
  router.post('/:id/enable', setDisabled(deps, staffUsers, false));

  return router;
}

function listStaff(staffUsers: StaffUsers): RequestHandler {
  return async (req, res) => {
    res.render('admin/staff/views/users', {
      pageTitle: req.t('staff.users.title'),
      staff: await staffUsers.listStaff(),
    });
  };
}

function invite(deps: Pick<Deps, 'modules'>, staffUsers: StaffUsers): RequestHandler {
  return async (req, res) => {
    const values = formFields(req.body, ['username', 'fullName', 'email']);
    const roles = rolesFrom(req.body);
    const errors = await staffUsers.invite(
      {
        username: values.username.trim(),
        fullName: values.fullName,
        email: values.email.trim().toLowerCase(),
        roles,
        lang: req.lang,
      },
      req.user!.id,
      auditContext(req),
    );
    if (errors.length) return renderNew(deps, req, res, { values, roles, errors }, 400);
    req.session.flash = { key: 'staff.users.invited', params: { email: values.email.trim() } };
    res.redirect(303, '/staff/users');
  };
}

function setRoles(deps: Pick<Deps, 'modules'>, staffUsers: StaffUsers): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const roles = rolesFrom(req.body);
    const errors = await staffUsers.setRoles(id, roles, req.user!.id, auditContext(req));
    if (errors.length) return renderUser(deps, staffUsers, req, res, id, errors, 400);
    req.session.flash = { key: 'staff.users.rolesSaved' };
    res.redirect(303, `/staff/users/${id}`);
  };
}

/** The confirmation page; nothing to confirm for an account disabled already, or one's own. */
function confirmDisable(staffUsers: StaffUsers): RequestHandler {
  return async (req, res) => {
    const user = await staffUsers.findStaffUser(idParam(req));
    if (user.status === 'disabled' || user.id === req.user!.id)
      return res.redirect(303, `/staff/users/${user.id}`);
    renderDisableConfirm(req, res, user);
  };
}

/** Disable (once confirmed) or enable an account. */
function setDisabled(
  deps: Pick<Deps, 'modules'>,
  staffUsers: StaffUsers,
  disabled: boolean,
): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
    if (disabled && !confirmed) return res.redirect(303, `/staff/users/${id}/disable`);
    const errors = await staffUsers.setDisabled(id, disabled, req.user!.id, auditContext(req));
    if (errors.length) return renderUser(deps, staffUsers, req, res, id, errors, 400);
    req.session.flash = { key: disabled ? 'staff.users.disabled' : 'staff.users.enabled' };
    res.redirect(303, `/staff/users/${id}`);
  };
}

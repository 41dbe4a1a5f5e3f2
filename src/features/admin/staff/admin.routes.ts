import { Router, type Request, type Response } from 'express';
import { LinkInvalidError } from '../../../lib/errors.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { idParam } from '../../../lib/params.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { findUserById, type UserRow } from '../../accounts/users.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import type { StaffUsersService } from './staff-users.service.ts';
import { rolesOf } from '../../registry.ts';

const rolesFrom = (body: unknown): string[] => {
  const value = (body as Record<string, unknown> | undefined)?.roles;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};

/** /staff/users: staff accounts (admins only). */
export function createStaffUsersRouter(deps: Deps, service: StaffUsersService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const staff = (await deps
      .db('users')
      .whereRaw(`roles <> '{}'`)
      .orderBy('full_name')
      .select('id', 'username', 'full_name', 'email', 'roles', 'status')) as UserRow[];
    res.render('staff/admin/users', {
      pageTitle: req.t('staff.users.title'),
      staff,
    });
  });

  const renderNew = (
    req: Request,
    res: Response,
    values: Record<string, string>,
    roles: string[],
    errors: FormError[],
    status = 200,
  ) =>
    res.status(status).render('staff/admin/user-new', {
      pageTitle: req.t('staff.users.newTitle'),
      values,
      roles,
      allRoles: rolesOf(deps.modules).map((role) => role.name),
      ...presentErrors(req, errors),
    });

  router.get('/new', (req, res) => renderNew(req, res, {}, [], []));

  router.post('/new', async (req, res) => {
    const values = formFields(req.body, ['username', 'fullName', 'email']);
    const roles = rolesFrom(req.body);
    const errors = await service.invite(
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
    if (errors.length) return renderNew(req, res, values, roles, errors, 400);
    req.session.flash = {
      key: 'staff.users.invited',
      params: { email: values.email.trim() },
    };
    res.redirect(303, '/staff/users');
  });

  const renderUser = async (
    req: Request,
    res: Response,
    id: number,
    errors: FormError[] = [],
    status = 200,
  ) => {
    const user = await findUserById(deps.db, id);
    if (!user || !user.roles.length) throw new NotFoundError();
    // The account's forms (roles, disable, enable) are answered with the account's page.
    languageSwitchFrom(res, `/staff/users/${id}`);
    res.status(status).render('staff/admin/user', {
      pageTitle: user.full_name,
      staffUser: user,
      allRoles: rolesOf(deps.modules).map((role) => role.name),
      isSelf: user.id === req.user!.id,
      ...presentErrors(req, errors),
    });
  };

  router.get('/:id', async (req, res) => renderUser(req, res, idParam(req)));

  router.post('/:id/roles', async (req, res) => {
    const id = idParam(req);
    const errors = await service.setRoles(id, rolesFrom(req.body), req.user!.id, auditContext(req));
    if (errors.length) return renderUser(req, res, id, errors, 400);
    req.session.flash = { key: 'staff.users.rolesSaved' };
    res.redirect(303, `/staff/users/${id}`);
  });

  // Disabling signs the person out at once: asked about first, on a page of its own.
  router.get('/:id/disable', async (req, res) => {
    const id = idParam(req);
    const user = await findUserById(deps.db, id);
    if (!user || !user.roles.length) throw new NotFoundError();
    if (user.status === 'disabled' || user.id === req.user!.id)
      return res.redirect(303, `/staff/users/${id}`);
    res.render('staff/confirm', {
      pageTitle: req.t('staff.users.disableConfirm.title'),
      breadcrumbs: [
        { href: '/staff/users', text: req.t('staff.users.title') },
        { href: `/staff/users/${id}`, text: user.full_name },
      ],
      title: req.t('staff.users.disableConfirm.title'),
      itemName: `${user.full_name} (${user.username})`,
      lead: req.t('staff.users.disableConfirm.lead'),
      action: `/staff/users/${id}/disable`,
      yes: req.t('staff.users.disableConfirm.yes'),
      cancel: req.t('staff.users.disableConfirm.cancel'),
      cancelHref: `/staff/users/${id}`,
    });
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const id = idParam(req);
      const confirmed = (req.body as Record<string, unknown> | undefined)?.confirm === 'yes';
      if (disabled && !confirmed) return res.redirect(303, `/staff/users/${id}/disable`);
      const errors = await service.setDisabled(id, disabled, req.user!.id, auditContext(req));
      if (errors.length) return renderUser(req, res, id, errors, 400);
      req.session.flash = {
        key: disabled ? 'staff.users.disabled' : 'staff.users.enabled',
      };
      res.redirect(303, `/staff/users/${id}`);
    });
  }
  return router;
}

/** /invite/<token>: a new staff member sets a password (outside /staff: they have no session yet). */
export function createInviteRouter(deps: Deps, service: StaffUsersService): Router {
  const router = Router();
  router.get('/invite/:token', async (req, res) => {
    const state = await service.checkInvite(String(req.params.token));
    if (state.state !== 'valid') {
      throw new LinkInvalidError(state.state);
    }
    res.render('staff/admin/invite', {
      pageTitle: req.t('staff.invite.title'),
      token: req.params.token,
      errors: [],
      fieldErrors: {},
    });
  });
  router.post('/invite/:token', async (req, res) => {
    const token = String(req.params.token);
    const { password, passwordConfirm } = formFields(req.body, ['password', 'passwordConfirm']);
    const result = await service.acceptInvite(token, password, passwordConfirm, auditContext(req));
    if (result.invalid) {
      throw new LinkInvalidError('used');
    }
    if (result.errors.length) {
      res.status(400).render('staff/admin/invite', {
        pageTitle: req.t('staff.invite.title'),
        token,
        ...presentErrors(req, result.errors),
      });
      return;
    }
    req.session.flash = { key: 'staff.invite.done' };
    res.redirect(303, '/login');
  });
  return router;
}

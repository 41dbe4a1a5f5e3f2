import { Router } from 'express';
import type { Deps } from '../../../deps.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import type { Services } from '../../../services.ts';
import { auditContext } from '../../audit/audit.repository.ts';

/** /invite/<token>: a new staff member sets a password (outside /staff: they have no session yet). */
export function createInviteRouter(_deps: Deps, staffUsers: Services['staffUsers']): Router {
  const router = Router();
  router.get('/invite/:token', async (req, res) => {
    await staffUsers.checkInvite(String(req.params.token));
    res.render('admin/staff/views/invite', {
      pageTitle: req.t('staff.invite.title'),
      token: req.params.token,
      errors: [],
      fieldErrors: {},
    });
  });
  router.post('/invite/:token', async (req, res) => {
    const token = String(req.params.token);
    const { password, passwordConfirm } = formFields(req.body, ['password', 'passwordConfirm']);
    const { errors } = await staffUsers.acceptInvite(
      token,
      password,
      passwordConfirm,
      auditContext(req),
    );
    if (errors.length) {
      res.status(400).render('admin/staff/views/invite', {
        pageTitle: req.t('staff.invite.title'),
        token,
        ...presentErrors(req, errors),
      });
      return;
    }
    req.session.flash = { key: 'staff.invite.done' };
    res.redirect(303, '/login');
  });
  return router;
}

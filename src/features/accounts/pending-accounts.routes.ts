import { Router } from 'express';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';

/**
 * /register/cancel/<token>: the activation email's "this was not me" link. GET shows what would
 * be deleted and a button (a mail scanner following links deletes nothing); POST deletes.
 */
export function createPendingAccountsRouter({
  pendingAccounts,
}: Pick<Services, 'pendingAccounts'>): Router {
  const router = Router();

  router.get('/register/cancel/:token', async (req, res) => {
    const username = await pendingAccounts.checkCancelLink(String(req.params.token));
    res.render('accounts/views/cancel-registration', {
      pageTitle: req.t('accounts.cancelRegistration.title'),
      token: req.params.token,
      username,
    });
  });

  router.post('/register/cancel/:token', async (req, res) => {
    await pendingAccounts.cancelRegistration(String(req.params.token), auditContext(req));
    res.redirect(303, '/register/cancelled');
  });

  router.get('/register/cancelled', (req, res) => {
    res.render('accounts/views/registration-cancelled', {
      pageTitle: req.t('accounts.cancelRegistration.doneTitle'),
    });
  });

  return router;
}

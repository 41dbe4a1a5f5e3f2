import { Router } from 'express';
import { LinkInvalidError } from '../../lib/errors.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { createPendingAccounts } from './pending-accounts.ts';

type PendingAccounts = ReturnType<typeof createPendingAccounts>;

/**
 * /register/cancel/<token>: the activation email's "this was not me" link. GET shows what would
 * be deleted and a button (a mail scanner following links deletes nothing); POST deletes.
 */
export function createPendingAccountsRouter(pending: PendingAccounts): Router {
  const router = Router();

  router.get('/register/cancel/:token', async (req, res) => {
    const state = await pending.checkCancelLink(String(req.params.token));
    if (state.state !== 'valid') {
      throw new LinkInvalidError(state.state);
    }
    res.render('accounts/cancel-registration', {
      pageTitle: req.t('accounts.cancelRegistration.title'),
      token: req.params.token,
      username: state.username,
    });
  });

  router.post('/register/cancel/:token', async (req, res) => {
    const outcome = await pending.cancelRegistration(String(req.params.token), auditContext(req));
    if (outcome !== 'deleted') {
      throw new LinkInvalidError('used');
    }
    res.redirect(303, '/register/cancelled');
  });

  router.get('/register/cancelled', (req, res) => {
    res.render('accounts/registration-cancelled', {
      pageTitle: req.t('accounts.cancelRegistration.doneTitle'),
    });
  });

  return router;
}

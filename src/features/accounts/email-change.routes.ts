import { Router } from 'express';
import { formFields } from '../../lib/form.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { emailSchema, validate } from './accounts.schemas.ts';
import { backToAccount, renderAccountPage } from './account-page.ts';

/**
 * /account/email: the account page's form sends a link to the new address; the link (which works
 * signed in or not) shows the address and a button that makes the change.
 */
export function createEmailChangeRouter(
  { emailChange }: Pick<Services, 'emailChange'>,
  hubEntries: readonly HubEntry[],
): Router {
  const router = Router();

  router.post('/account/email', requireCitizen, async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    const errors = parsed.data
      ? await emailChange.requestEmailChange(req.user!, parsed.data, auditContext(req))
      : [{ field: 'email', key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat' }];
    const limited = errors.some((e) => e.key === 'accounts.errors.accountMailLimit');
    if (errors.length)
      renderAccountPage(req, res, hubEntries, { errors, values: { email } }, limited ? 429 : 400);
    else backToAccount(req, res, 'accounts.account.emailSent');
  });

  router.get('/account/email/:token', async (req, res) => {
    const email = await emailChange.checkEmailChange(String(req.params.token));
    res.render('accounts/views/confirm-email', {
      pageTitle: req.t('accounts.confirmEmail.title'),
      token: req.params.token,
      email,
    });
  });

  router.post('/account/email/:token', async (req, res) => {
    const token = String(req.params.token);
    const outcome = await emailChange.confirmEmailChange(token, auditContext(req));
    if (outcome === 'taken') {
      res.status(409).render('accounts/views/link-invalid', {
        pageTitle: req.t('accounts.linkInvalid.title'),
        reason: 'emailTaken',
      });
      return;
    }
    req.session.flash = { key: 'accounts.account.emailChanged' };
    res.redirect(303, req.user ? '/account' : '/login');
  });

  return router;
}

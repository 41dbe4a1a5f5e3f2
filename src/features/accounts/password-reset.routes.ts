import { Router, type Request, type Response } from 'express';
import { LinkInvalidError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { emailSchema, validate, type FieldError } from './accounts.schemas.ts';
import { RateLimitedError, type AccountsService } from './accounts.service.ts';

/** /password-reset: ask for a link by email, then set a new password from it. */
export function createPasswordResetRouter(accounts: AccountsService): Router {
  const router = Router();

  const renderRequest = (
    req: Request,
    res: Response,
    email: string,
    errors: FieldError[],
    status = 200,
  ) =>
    res.status(status).render('accounts/password-reset-request', {
      pageTitle: req.t('accounts.reset.title'),
      values: { email },
      ...presentErrors(req, errors),
    });

  const renderNewPassword = (
    req: Request,
    res: Response,
    token: string,
    errors: FieldError[],
    status = 200,
  ) =>
    res.status(status).render('accounts/password-reset-form', {
      pageTitle: req.t('accounts.reset.newTitle'),
      token,
      ...presentErrors(req, errors),
    });

  router.get('/password-reset', (req, res) => renderRequest(req, res, '', []));

  router.post('/password-reset', async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    if (!parsed.data) {
      renderRequest(
        req,
        res,
        email,
        [{ field: 'email', key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat' }],
        400,
      );
      return;
    }
    try {
      await accounts.requestPasswordReset(parsed.data, auditContext(req));
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      renderRequest(req, res, email, [{ field: 'email', key: 'accounts.errors.tooMany' }], 429);
      return;
    }
    // Post/redirect/get: the same form sent twice sends one email (see once-only-submission.ts).
    res.redirect(303, '/password-reset/sent');
  });

  // Before '/password-reset/:token': 'sent' is not a token.
  router.get('/password-reset/sent', (req, res) => {
    res.render('accounts/password-reset-sent', { pageTitle: req.t('accounts.reset.sentTitle') });
  });

  router.get('/password-reset/:token', async (req, res) => {
    const state = await accounts.checkPasswordReset(String(req.params.token));
    if (state.state !== 'valid') {
      throw new LinkInvalidError(state.state, {
        href: '/password-reset',
        textKey: 'accounts.reset.again',
      });
    }
    renderNewPassword(req, res, String(req.params.token), []);
  });

  router.post('/password-reset/:token', async (req, res) => {
    const token = String(req.params.token);
    const { password, passwordConfirm } = formFields(req.body, ['password', 'passwordConfirm']);
    const result = await accounts.resetPassword(
      token,
      password,
      passwordConfirm,
      auditContext(req),
    );
    if (result.invalid) {
      throw new LinkInvalidError('used', {
        href: '/password-reset',
        textKey: 'accounts.reset.again',
      });
    }
    if (result.errors.length) {
      renderNewPassword(req, res, token, result.errors, 400);
      return;
    }
    req.session.flash = { key: 'accounts.reset.done' };
    res.redirect(303, '/login');
  });

  return router;
}

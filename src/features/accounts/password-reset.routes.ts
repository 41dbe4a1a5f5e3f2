import { Router, type Request, type RequestHandler, type Response } from 'express';
import { RateLimitedError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { emailSchema, validate, type FieldError } from './accounts.schemas.ts';

type PasswordReset = Services['passwordReset'];

/** The form that asks for a link. */
function renderRequest(
  req: Request,
  res: Response,
  email: string,
  errors: FieldError[],
  status = 200,
): void {
  res.status(status).render('accounts/views/password-reset-request', {
    pageTitle: req.t('accounts.reset.title'),
    values: { email },
    ...presentErrors(req, errors),
  });
}

/** The link's form: a new password, twice. */
function renderNewPassword(
  req: Request,
  res: Response,
  token: string,
  errors: FieldError[],
  status = 200,
): void {
  res.status(status).render('accounts/views/password-reset-form', {
    pageTitle: req.t('accounts.reset.newTitle'),
    token,
    ...presentErrors(req, errors),
  });
}

/** /password-reset: ask for a link by email, then set a new password from it. */
export function createPasswordResetRouter({
  passwordReset,
}: Pick<Services, 'passwordReset'>): Router {
  const router = Router();

  router.get('/password-reset', (req, res) => renderRequest(req, res, '', []));
  router.post('/password-reset', requestLink(passwordReset));
  // Before '/password-reset/:token': 'sent' is not a token.
  router.get('/password-reset/sent', linkSent);
  router.get('/password-reset/:token', showNewPassword(passwordReset));
  router.post('/password-reset/:token', setNewPassword(passwordReset));

  return router;
}

function requestLink(passwordReset: PasswordReset): RequestHandler {
  return async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    if (!parsed.data) {
      const key = parsed.errors[0]?.key ?? 'accounts.errors.emailFormat';
      renderRequest(req, res, email, [{ field: 'email', key }], 400);
      return;
    }
    try {
      await passwordReset.requestPasswordReset(parsed.data, auditContext(req));
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      renderRequest(req, res, email, [{ field: 'email', key: 'accounts.errors.tooMany' }], 429);
      return;
    }
    // Post/redirect/get: the same form sent twice sends one email (see once-only-submission.ts).
    res.redirect(303, '/password-reset/sent');
  };
}

function linkSent(req: Request, res: Response): void {
  res.render('accounts/views/password-reset-sent', {
    pageTitle: req.t('accounts.reset.sentTitle'),
  });
}

function showNewPassword(passwordReset: PasswordReset): RequestHandler {
  return async (req, res) => {
    await passwordReset.checkPasswordReset(String(req.params.token));
    renderNewPassword(req, res, String(req.params.token), []);
  };
}

function setNewPassword(passwordReset: PasswordReset): RequestHandler {
  return async (req, res) => {
    const token = String(req.params.token);
    const { password, passwordConfirm } = formFields(req.body, ['password', 'passwordConfirm']);
    const context = auditContext(req);
    const { errors } = await passwordReset.resetPassword(token, password, passwordConfirm, context);
    if (errors.length) {
      renderNewPassword(req, res, token, errors, 400);
      return;
    }
    req.session.flash = { key: 'accounts.reset.done' };
    res.redirect(303, '/login');
  };
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import { RateLimitedError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { emailSchema, validate, type FieldError } from './accounts.schemas.ts';

type Activation = Services['activation'];

/** The form that asks for a new activation email. */
function renderResend(
  req: Request,
  res: Response,
  values: { email?: string },
  errors: FieldError[],
  status = 200,
): void {
  res.status(status).render('accounts/views/resend', {
    pageTitle: req.t('accounts.resend.title'),
    values,
    ...presentErrors(req, errors),
  });
}

/** /activate/<token> (a page with a button, then the activation) and the form for a new email. */
export function createActivationRouter({ activation }: Pick<Services, 'activation'>): Router {
  const router = Router();

  router.get('/activate/resend', (req, res) => renderResend(req, res, {}, []));
  router.post('/activate/resend', resendActivation(activation));
  router.get('/activate/resend/sent', resendSent);
  router.get('/activate/:token', showActivation(activation));
  router.post('/activate/:token', activate(activation));

  return router;
}

function resendActivation(activation: Activation): RequestHandler {
  return async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    if (!parsed.data) {
      const key = parsed.errors[0]?.key ?? 'accounts.errors.emailFormat';
      renderResend(req, res, { email }, [{ field: 'email', key }], 400);
      return;
    }
    try {
      await activation.resendActivation(parsed.data, auditContext(req));
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      renderResend(req, res, { email }, [{ field: 'email', key: 'accounts.errors.tooMany' }], 429);
      return;
    }
    // Post/redirect/get: the same form sent twice sends one email (see once-only-submission.ts).
    res.redirect(303, '/activate/resend/sent');
  };
}

function resendSent(req: Request, res: Response): void {
  res.render('accounts/views/check-email', {
    pageTitle: req.t('accounts.register.checkEmailTitle'),
    email: '',
    resent: true,
  });
}

function showActivation(activation: Activation): RequestHandler {
  return async (req, res) => {
    await activation.checkActivation(String(req.params.token));
    res.render('accounts/views/activate', {
      pageTitle: req.t('accounts.activate.title'),
      token: req.params.token,
    });
  };
}

function activate(activation: Activation): RequestHandler {
  return async (req, res) => {
    const outcome = await activation.activate(String(req.params.token), auditContext(req));
    if (outcome === 'phoneTaken') {
      res.status(409).render('accounts/views/link-invalid', {
        pageTitle: req.t('accounts.linkInvalid.title'),
        reason: 'phoneTaken',
        resend: false,
      });
      return;
    }
    req.session.flash = {
      key: outcome === 'activated' ? 'accounts.activate.done' : 'accounts.activate.doneTaxisnet',
    };
    res.redirect(303, '/login');
  };
}

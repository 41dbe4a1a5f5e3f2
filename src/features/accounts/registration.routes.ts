import { Router, type Request, type Response } from 'express';
import { LinkInvalidError } from '../../lib/errors.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { registrationSchema, validate, emailSchema } from './accounts.schemas.ts';
import {
  RateLimitedError,
  registrationPasswordErrors,
  type AccountsService,
} from './accounts.service.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { serviceStates } from '../hub/service-states.ts';

/** In the order the form shows them (the error summary follows it). */
const FIELDS = [
  'fullName',
  'username',
  'email',
  'phone',
  'password',
  'passwordConfirm',
  'privacy',
] as const;

/** /register, /activate/<token> and the resend form. */
export function createRegistrationRouter(
  accounts: AccountsService,
  hubEntries: readonly HubEntry[],
): Router {
  const router = Router();

  const renderForm = (
    req: Request,
    res: Response,
    values: Record<string, string>,
    errors: Parameters<typeof presentErrors>[1],
    status = 200,
  ) => {
    res.status(status).render('accounts/register', {
      pageTitle: req.t('accounts.register.title'),
      // What an account opens: only the services that are mounted, never ones still to come.
      services: serviceStates(req, hubEntries, null),
      values: { ...values, password: '', passwordConfirm: '' },
      ...presentErrors(req, errors),
    });
  };

  router.get('/register', (req, res) => {
    if (req.user) {
      res.redirect(303, '/account');
      return;
    }
    renderForm(req, res, {}, []);
  });

  router.post('/register', async (req, res) => {
    const values = formFields(req.body, FIELDS);
    const parsed = validate(registrationSchema, values);
    if (!parsed.data) {
      const reported = new Set(parsed.errors.map((e) => e.field));
      const passwordErrors = registrationPasswordErrors(values).filter(
        (e) => !reported.has(e.field),
      );
      const errors = [...parsed.errors, ...passwordErrors].sort(
        (a, b) =>
          FIELDS.indexOf(a.field as (typeof FIELDS)[number]) -
          FIELDS.indexOf(b.field as (typeof FIELDS)[number]),
      );
      renderForm(req, res, values, errors, 400);
      return;
    }
    try {
      const { errors } = await accounts.register(parsed.data, req.lang, auditContext(req));
      if (errors.length) {
        renderForm(req, res, values, errors, 400);
        return;
      }
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      renderForm(
        req,
        res,
        values,
        [{ field: 'register-form', key: 'accounts.errors.registerTooMany' }],
        429,
      );
      return;
    }
    req.session.pendingEmail = parsed.data.email;
    res.redirect(303, '/register/check-email');
  });

  router.get('/register/check-email', (req, res) => {
    const email = req.session.pendingEmail ?? '';
    delete req.session.pendingEmail;
    res.render('accounts/check-email', {
      pageTitle: req.t('accounts.register.checkEmailTitle'),
      email,
    });
  });

  router.get('/activate/resend', (req, res) => {
    res.render('accounts/resend', {
      pageTitle: req.t('accounts.resend.title'),
      values: {},
      errors: [],
      fieldErrors: {},
    });
  });

  router.post('/activate/resend', async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    if (!parsed.data) {
      res.status(400).render('accounts/resend', {
        pageTitle: req.t('accounts.resend.title'),
        values: { email },
        ...presentErrors(req, [
          { field: 'email', key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat' },
        ]),
      });
      return;
    }
    try {
      await accounts.resendActivation(parsed.data, auditContext(req));
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      res.status(429).render('accounts/resend', {
        pageTitle: req.t('accounts.resend.title'),
        values: { email },
        ...presentErrors(req, [{ field: 'email', key: 'accounts.errors.tooMany' }]),
      });
      return;
    }
    // Post/redirect/get: the same form sent twice sends one email (see once-only-submission.ts).
    res.redirect(303, '/activate/resend/sent');
  });

  router.get('/activate/resend/sent', (req, res) => {
    res.render('accounts/check-email', {
      pageTitle: req.t('accounts.register.checkEmailTitle'),
      email: '',
      resent: true,
    });
  });

  router.get('/activate/:token', async (req, res) => {
    const state = await accounts.checkActivation(String(req.params.token));
    if (state.state !== 'valid') {
      throw new LinkInvalidError(state.state, {
        href: '/activate/resend',
        textKey: 'accounts.resend.link',
      });
    }
    res.render('accounts/activate', {
      pageTitle: req.t('accounts.activate.title'),
      token: req.params.token,
    });
  });

  router.post('/activate/:token', async (req, res) => {
    const outcome = await accounts.activate(String(req.params.token), auditContext(req));
    if (outcome === 'invalid') {
      throw new LinkInvalidError('used', {
        href: '/activate/resend',
        textKey: 'accounts.resend.link',
      });
    }
    if (outcome === 'phoneTaken') {
      res.status(409).render('accounts/link-invalid', {
        pageTitle: req.t('accounts.linkInvalid.title'),
        reason: 'phoneTaken',
        resend: false,
      });
      return;
    }
    req.session.flash = { key: 'accounts.activate.done' };
    res.redirect(303, '/login');
  });

  return router;
}

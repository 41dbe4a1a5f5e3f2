import { Router, type Request, type RequestHandler, type Response } from 'express';
import { RateLimitedError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import type { SignInOption } from '../module.ts';
import { serviceStates } from '../hub/service-states.ts';
import { registrationSchema, validate, type FieldError } from './accounts.schemas.ts';
import { registrationPasswordErrors } from './registration.service.ts';

type Registration = Services['registration'];

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

const byFormOrder = (a: FieldError, b: FieldError) =>
  FIELDS.indexOf(a.field as (typeof FIELDS)[number]) -
  FIELDS.indexOf(b.field as (typeof FIELDS)[number]);

/** The schema's errors, and the password rules' for the fields the schema found no fault with. */
function formErrors(values: Record<(typeof FIELDS)[number], string>, parsed: FieldError[]) {
  const reported = new Set(parsed.map((e) => e.field));
  const passwordErrors = registrationPasswordErrors(values).filter((e) => !reported.has(e.field));
  return [...parsed, ...passwordErrors].sort(byFormOrder);
}

/** What the form shows besides itself: the services an account opens, the other ways in. */
interface RegistrationPage {
  hubEntries: readonly HubEntry[];
  /** Ways to sign in that need no registration (TaxisNet): offered above the form. */
  otherWays: readonly SignInOption[];
}

/** The registration form, with what an account opens: only the services mounted, never ones to come. */
function renderForm(
  req: Request,
  res: Response,
  { hubEntries, otherWays }: RegistrationPage,
  form: { values: Record<string, string>; errors: FieldError[] },
  status = 200,
): void {
  res.status(status).render('accounts/views/register', {
    pageTitle: req.t('accounts.register.title'),
    services: serviceStates(req, hubEntries, null),
    otherWays,
    values: { ...form.values, password: '', passwordConfirm: '' },
    ...presentErrors(req, form.errors),
  });
}

/** /register and the page that says to check the email (activation: activation.routes.ts). */
export function createRegistrationRouter(
  { registration }: Pick<Services, 'registration'>,
  hubEntries: readonly HubEntry[],
  otherWays: readonly SignInOption[] = [],
): Router {
  const router = Router();
  const page: RegistrationPage = { hubEntries, otherWays };

  router.get('/register', showForm(page));
  router.post('/register', register(registration, page));
  router.get('/register/check-email', checkEmail);

  return router;
}

/** The form; a citizen already signed in has an account. */
function showForm(page: RegistrationPage): RequestHandler {
  return (req, res) => {
    if (req.user) {
      res.redirect(303, '/account');
      return;
    }
    renderForm(req, res, page, { values: {}, errors: [] });
  };
}

function register(registration: Registration, page: RegistrationPage): RequestHandler {
  return async (req, res) => {
    const values = formFields(req.body, FIELDS);
    const parsed = validate(registrationSchema, values);
    if (!parsed.data) {
      renderForm(req, res, page, { values, errors: formErrors(values, parsed.errors) }, 400);
      return;
    }
    try {
      const { errors } = await registration.register(parsed.data, req.lang, auditContext(req));
      if (errors.length) {
        renderForm(req, res, page, { values, errors }, 400);
        return;
      }
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      const tooMany = [{ field: 'register-form', key: 'accounts.errors.registerTooMany' }];
      renderForm(req, res, page, { values, errors: tooMany }, 429);
      return;
    }
    req.session.pendingEmail = parsed.data.email;
    res.redirect(303, '/register/check-email');
  };
}

function checkEmail(req: Request, res: Response): void {
  const email = req.session.pendingEmail ?? '';
  const withoutPin = req.session.pendingWithoutPin ?? false;
  delete req.session.pendingEmail;
  delete req.session.pendingWithoutPin;
  res.render('accounts/views/check-email', {
    pageTitle: req.t('accounts.register.checkEmailTitle'),
    email,
    withoutPin,
  });
}

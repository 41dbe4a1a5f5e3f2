import { Router, type Request, type Response } from 'express';
import { promisify } from 'node:util';
import { formFields, presentErrors, safeReturnPath, type FieldErrorLike } from '../../lib/form.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import { SESSION_COOKIE, STAFF_IDLE_MS } from '../../middleware/session.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { SignInResult } from './sign-in.service.ts';
import type { UserRow } from './users.repository.ts';
import type { SignInOption } from '../module.ts';

/** Where a sign-in lands without a return path: staff at the back office, citizens at the hub. */
const homeOf = (user: UserRow) => (user.roles.length ? '/staff' : '/');

const ATHENS_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Athens',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** HH:MM in Athens, rounded up to the minute, so that at that time the lock is over. */
export function athensTime(date: Date): string {
  return ATHENS_TIME.format(new Date(Math.ceil(date.getTime() / 60_000) * 60_000));
}

interface LoginValues {
  login: string;
  next?: string;
}

/**
 * The sign-in form. The way back after sign-in rides in the form (a hidden field), not in a
 * session: showing the form writes nothing.
 */
function renderLogin(
  req: Request,
  res: Response,
  options: readonly SignInOption[],
  values: LoginValues,
  error?: Omit<FieldErrorLike, 'field'>,
  status = 200,
): void {
  // After a failed sign-in the switch keeps the way back, as the form does.
  languageSwitchFrom(
    res,
    values.next ? `/login?next=${encodeURIComponent(values.next)}` : '/login',
  );
  res.status(status).render('accounts/views/login', {
    pageTitle: req.t('accounts.login.title'),
    values,
    expired: req.query.expired === '1',
    otherWays: options.map((option) => ({
      ...option,
      href: values.next ? `${option.href}?next=${encodeURIComponent(values.next)}` : option.href,
    })),
    ...presentErrors(req, error ? [{ field: 'login', ...error }] : []),
  });
}

/** The form's answer to a refused sign-in: what it says, and the status. */
function refusal(
  result: Exclude<SignInResult, { outcome: 'ok' | 'pending' }>,
): [Omit<FieldErrorLike, 'field'>, number] {
  if (result.outcome === 'locked')
    return [
      { key: 'accounts.errors.loginLocked', params: { time: athensTime(result.until) } },
      429,
    ];
  if (result.outcome === 'throttled') return [{ key: 'accounts.errors.tooMany' }, 429];
  return [{ key: 'accounts.errors.loginFailed' }, 401];
}

/**
 * passport's login regenerates the session: a session id known before sign-in is worthless after
 * it. Also for the other ways in (TaxisNet), which say how the session signed in.
 */
export async function startSession(
  req: Request,
  user: UserRow,
  now: () => Date,
  how: { with: 'password' } | { with: 'taxisnet'; signOutUrl: string } = { with: 'password' },
): Promise<void> {
  await promisify(req.login.bind(req))(user);
  req.session.signedInAt = now().getTime();
  req.session.signedInWith = how.with;
  if (how.with !== 'password') req.session.signOutUrl = how.signOutUrl;
  // Checked on every request (auth.ts): a later password change or reset ends this session.
  req.session.credentialVersion = user.credential_version;
  // Staff sessions are kept for 15 idle minutes, citizens' for 30.
  if (user.roles.length) req.session.cookie.maxAge = STAFF_IDLE_MS;
  req.session.flash = { key: 'accounts.login.welcome', params: { name: user.full_name } };
}

/** /login and /logout. Sessions are regenerated at sign-in (passport) and destroyed at sign-out. */
export function createSignInRouter(
  { signIn }: Pick<Services, 'signIn'>,
  now: () => Date,
  options: readonly SignInOption[] = [],
): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    if (req.user) {
      res.redirect(303, homeOf(req.user));
      return;
    }
    renderLogin(req, res, options, { login: '', next: safeReturnPath(req.query.next) });
  });

  router.post('/login', async (req, res) => {
    const { login, password } = formFields(req.body, ['login', 'password']);
    const values = {
      login,
      next: safeReturnPath((req.body as Record<string, unknown> | undefined)?.next),
    };
    if (!login.trim() || !password) {
      renderLogin(req, res, options, values, { key: 'accounts.errors.loginRequired' }, 400);
      return;
    }
    const result = await signIn.signIn(login, password, auditContext(req));
    if (result.outcome === 'pending') {
      res.status(403).render('accounts/views/pending', {
        pageTitle: req.t('accounts.pending.title'),
        email: result.user.email,
      });
      return;
    }
    if (result.outcome !== 'ok') {
      renderLogin(req, res, options, values, ...refusal(result));
      return;
    }
    await startSession(req, result.user, now);
    res.redirect(303, values.next ?? homeOf(result.user));
  });

  router.post('/logout', async (req, res) => {
    const userId = req.user?.id;
    const signOutUrl = req.user ? req.session.signOutUrl : undefined;
    await promisify(req.logout.bind(req))();
    await promisify(req.session.destroy.bind(req.session))();
    if (userId) await signIn.signOut(userId, auditContext(req));
    res.clearCookie(SESSION_COOKIE);
    // Signed in through GSIS: its session ends too (its logout comes back to the home page).
    res.redirect(303, signOutUrl ?? '/');
  });

  return router;
}

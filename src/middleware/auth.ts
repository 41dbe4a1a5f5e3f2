import type { RequestHandler } from 'express';
import passport from 'passport';
import type { Role, UserRow } from '../features/accounts/users.repository.ts';
import { ForbiddenError } from '../lib/errors.ts';
import type { SessionData } from 'express-session';
import { pastAbsoluteLimit, SESSION_COOKIE } from './session.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- declaration merging with Express's own types
  namespace Express {
    interface User extends UserRow {}
  }
}

/**
 * An authenticator for one app. Passport's default export is a process-wide singleton whose
 * serializers pile up with every app built in the process (tests build many): each app gets
 * its own, which keeps only the account id in the session and loads the account per request.
 */
export function createAuthenticator(
  findUser: (id: number) => Promise<UserRow | undefined>,
): RequestHandler[] {
  const authenticator = new passport.Passport();
  authenticator.serializeUser((user, done) => done(null, user.id));
  authenticator.deserializeUser((id: number, done) => {
    findUser(Number(id))
      .then((user) => done(null, user && user.status === 'active' ? user : false))
      .catch((error: unknown) => done(error));
  });
  return [authenticator.initialize() as RequestHandler, authenticator.session() as RequestHandler];
}

declare module 'express-session' {
  interface SessionData {
    /** The account's `credential_version` when this session signed in (or changed its own password). */
    credentialVersion?: number;
  }
}

/**
 * After passport: a session that signed in before the account's password changed or the account
 * was disabled is signed out. Deleting the account's session rows is not enough on its own: a request
 * still running in such a session saves its whole row back when it ends. The database bumps the
 * account's `credential_version` on each such change; a session holding another value (or none)
 * is destroyed and the request goes on anonymously.
 */
/** The session signed in with the account's present credentials. */
export function credentialsCurrent(
  user: Pick<UserRow, 'credential_version'>,
  session: Partial<Pick<SessionData, 'credentialVersion'>>,
): boolean {
  return session.credentialVersion === user.credential_version;
}

export const endOutdatedSignIn: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (!user || !req.session || credentialsCurrent(user, req.session)) {
    next();
    return;
  }
  req.session.regenerate((error) => {
    if (error) {
      next(error);
      return;
    }
    req.user = undefined;
    res.clearCookie(SESSION_COOKIE);
    next();
  });
};

/**
 * After passport: ends sessions past the absolute limit (12 hours); exposes the signed-in user to
 * the views. (Staff get their shorter idle timeout at sign-in.)
 */
export function sessionLimits(now: () => Date): RequestHandler {
  return (req, res, next) => {
    const user = req.user;
    if (user && req.session) {
      if (pastAbsoluteLimit(req.session, now().getTime())) {
        req.session.destroy(() => {
          res.clearCookie('sid');
          res.redirect(303, `/login?expired=1`);
        });
        return;
      }
    }
    res.locals.user = user ?? null;
    next();
  };
}

/** Anonymous visitors go to sign-in and come back here afterwards. */
export const requireCitizen: RequestHandler = (req, res, next) => {
  if (req.user) {
    next();
    return;
  }
  // Anonymous requests to pages outside the account area carry no session: the way back rides on the URL.
  res.redirect(
    303,
    req.method === 'GET' ? `/login?next=${encodeURIComponent(req.originalUrl)}` : '/login',
  );
};

/** Tax and certificates: a clerk must have checked the citizen's identity in person. */
export const requireVerifiedCitizen: RequestHandler[] = [
  requireCitizen,
  (req, res, next) => {
    if (req.user?.identity_verified_at) {
      next();
      return;
    }
    res.status(403).render('errors/verification-needed', {
      pageTitle: req.t('accounts.verificationNeeded.title'),
    });
  },
];

/** The role check alone, for routers already behind a sign-in check. */
export function hasRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (req.user?.roles.includes(role)) next();
    else next(new ForbiddenError());
  };
}

export function requireRole(role: Role): RequestHandler[] {
  return [requireCitizen, hasRole(role)];
}

/** Anyone with a staff role; anonymous visitors go to sign-in, citizens get 403. */
export const requireStaff: RequestHandler[] = [
  requireCitizen,
  (req, _res, next) => {
    if (req.user?.roles.length) next();
    else next(new ForbiddenError());
  },
];

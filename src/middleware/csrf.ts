import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import { newSubmissionId } from './once-only-submission.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- declaration merging with Express's own types
  namespace Express {
    interface Request {
      /**
       * Whose form this POST is, as its CSRF token proved: the session, or the anonymous visitor's
       * CSRF cookie (hashed). once-only-submission.ts ties a submission id to it.
       */
      formOwner?: string;
    }
  }
}

const isMultipart = (req: Request) =>
  (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function tokenFrom(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body?._csrf;
  if (typeof fromBody === 'string') return fromBody;
  const fromHeader = req.headers['x-csrf-token'];
  return typeof fromHeader === 'string' ? fromHeader : undefined;
}

/**
 * CSRF protection for every state-changing request, in two kinds:
 * - a signed-in session's forms carry its synchroniser token (csrf-sync, kept in the session);
 * - forms shown to anonymous visitors (sign-in, registration, password reset, ...) carry a signed
 *   double-submit token, so showing them writes no session row: a random value in an HttpOnly
 *   cookie (`__Host-csrf` in production) and, in the form, its HMAC under SESSION_SECRET.
 * Which kind a POST must carry follows whether it comes from a signed-in session. Pages get a lazy
 * `csrfToken()`, so only pages that render a form set a cookie or touch the session. File uploads
 * (multipart) are checked by `protectUpload` after the upload is parsed, and only on the upload
 * routes listed in `uploadPaths`; a multipart request anywhere else finds no token and is refused.
 * The modules' `publicForms` (forms that change nothing, served with no session) carry no token.
 */
export function csrfProtection(
  isUploadPath: (path: string) => boolean,
  options: { secret: string; production: boolean; isPublicForm?: (path: string) => boolean },
): {
  protect: RequestHandler;
  expose: RequestHandler;
  protectUpload: RequestHandler;
} {
  const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
    getTokenFromRequest: tokenFrom,
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
  const anonymous = doubleSubmitTokens(options);

  const sessionProtection: RequestHandler = (req, res, next) => {
    csrfSynchronisedProtection(req, res, (error?: unknown) => {
      if (!error) req.formOwner = req.sessionID;
      next(error);
    });
  };

  const expose: RequestHandler = (req, res, next) => {
    let token: string | undefined;
    res.locals.csrfToken = () =>
      (token ??= req.user ? generateToken(req) : anonymous.tokenFor(req, res));
    // Each form also gets its own one-time id (see once-only-submission.ts).
    res.locals.submissionId = newSubmissionId;
    next();
  };

  const protect: RequestHandler = (req, res, next: NextFunction) => {
    if (
      SAFE_METHODS.has(req.method) ||
      (isMultipart(req) && isUploadPath(req.path)) ||
      options.isPublicForm?.(req.path)
    ) {
      next();
      return;
    }
    if (req.user) {
      sessionProtection(req, res, next);
      return;
    }
    const owner = anonymous.verify(req, tokenFrom(req));
    if (!owner) {
      next(invalidCsrfTokenError);
      return;
    }
    req.formOwner = owner;
    next();
  };
  return { protect, expose, protectUpload: sessionProtection };
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** The signed double-submit token of anonymous forms (see csrfProtection). */
function doubleSubmitTokens(options: { secret: string; production: boolean }) {
  // __Host-: only this host over HTTPS may set it, so a sibling subdomain cannot plant a known value.
  const name = options.production ? '__Host-csrf' : 'csrf';
  const sign = (value: string) =>
    createHmac('sha256', options.secret).update(`anonymous-form:${value}`).digest('base64url');
  const cookieValue = (req: Request): string | undefined => {
    const value = readCookie(req.headers.cookie, name);
    return value && COOKIE_VALUE.test(value) ? value : undefined;
  };

  return {
    tokenFor(req: Request, res: Response): string {
      let value = cookieValue(req);
      if (!value) {
        value = randomBytes(32).toString('base64url');
        res.cookie(name, value, {
          httpOnly: true,
          sameSite: 'lax',
          secure: options.production,
          path: '/',
        });
      }
      return sign(value);
    },
    /** The owner of a valid token (a hash of its cookie), or undefined. */
    verify(req: Request, token: string | undefined): string | undefined {
      const value = cookieValue(req);
      if (!value || !token) return undefined;
      const given = Buffer.from(token);
      const expected = Buffer.from(sign(value));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return `anonymous:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

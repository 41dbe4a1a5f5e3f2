import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchroniser-token CSRF protection for every state-changing request. Pages get a lazy
 * `csrfToken()` so only pages that render a form create a session.
 */
export function csrfProtection(): { protect: RequestHandler; expose: RequestHandler } {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const fromHeader = req.headers['x-csrf-token'];
      return typeof fromHeader === 'string' ? fromHeader : undefined;
    },
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
  const expose: RequestHandler = (req, res, next) => {
    let token: string | undefined;
    res.locals.csrfToken = () => (token ??= generateToken(req));
    next();
  };
  return { protect: csrfSynchronisedProtection, expose };
}

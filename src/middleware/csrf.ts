import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { newSubmissionId } from './once-only-submission.ts';

const isMultipart = (req: Request) =>
  (req.headers['content-type'] ?? '').startsWith('multipart/form-data');

/**
 * Synchroniser-token CSRF protection for every state-changing request. Pages get a lazy
 * `csrfToken()` so only pages that render a form create a session. File uploads (multipart) are
 * checked by `protectUpload` after the upload is parsed, and only on the upload routes listed in
 * `uploadPaths`; a multipart request anywhere else finds no token and is refused.
 */
export function csrfProtection(uploadPaths: RegExp): {
  protect: RequestHandler;
  expose: RequestHandler;
  protectUpload: RequestHandler;
} {
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
    // Each form also gets its own one-time id (see once-only-submission.ts).
    res.locals.submissionId = newSubmissionId;
    next();
  };
  const protect: RequestHandler = (req, res, next) => {
    if (isMultipart(req) && uploadPaths.test(req.path)) {
      next();
      return;
    }
    csrfSynchronisedProtection(req, res, next);
  };
  return { protect, expose, protectUpload: csrfSynchronisedProtection };
}

import type { RequestHandler } from 'express';
import { SESSION_COOKIE } from './session.ts';

/**
 * Runs the session chain (session, passport, limits) only when there can be a session: the
 * browser sent our cookie, the request changes something, or the page has a form. Public pages
 * read anonymously skip it entirely: no session id is generated, no row is written.
 */
export function sessionWhenNeeded(
  chain: RequestHandler[],
  /**
   * Paths whose pages hold a form or need to know who is signed in (the modules' `sessionPaths`
   * and /staff). An anonymous visitor's form carries a cookie-bound token (csrf.ts), so showing it
   * loads an empty session but stores no row.
   */
  needsSession: Pick<RegExp, 'test'>,
  /**
   * Paths that never have one, whatever the method or cookie (the modules' `publicForms`): the
   * chain is skipped, as for an anonymous public page.
   */
  neverSession: (path: string) => boolean = () => false,
): RequestHandler {
  return (req, res, next) => {
    const hasCookie = req.headers.cookie?.includes(`${SESSION_COOKIE}=`) ?? false;
    const needed =
      !neverSession(req.path) &&
      (hasCookie || (req.method !== 'GET' && req.method !== 'HEAD') || needsSession.test(req.path));
    if (!needed) {
      res.locals.user = null;
      next();
      return;
    }
    let index = 0;
    const step = (error?: unknown): void => {
      if (error) {
        next(error);
        return;
      }
      const handler = chain[index++];
      if (!handler) {
        next();
        return;
      }
      try {
        void handler(req, res, step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

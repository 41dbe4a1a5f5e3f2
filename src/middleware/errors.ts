import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from '../lib/errors.ts';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** The one place errors become pages: typed errors keep their status, anything else is a 500. */
export function errorHandler(options: { production: boolean }): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let status = 500;
    let titleKey = 'errors.server.title';
    let bodyKey = 'errors.server.body';
    if (err instanceof HttpError) {
      status = err.status;
      titleKey = err.messageKey;
      bodyKey = err.messageKey.replace(/\.title$/, '.body');
    } else if ((err as { code?: string } | null)?.code === 'EBADCSRFTOKEN') {
      status = 403;
      titleKey = 'errors.csrf.title';
      bodyKey = 'errors.csrf.body';
    } else if (isClientError(err)) {
      status = err.status;
      titleKey = 'errors.badRequest.title';
      bodyKey = 'errors.badRequest.body';
    }
    if (status >= 500) req.log.error({ err }, 'request failed');
    const t = req.t ?? ((key: string) => key);
    res.status(status).render('errors/error', {
      pageTitle: t(titleKey),
      titleKey,
      bodyKey,
      status,
      requestId: req.id,
      stack: !options.production && status >= 500 && err instanceof Error ? err.stack : undefined,
    });
  };
}

function isClientError(err: unknown): err is { status: number } {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

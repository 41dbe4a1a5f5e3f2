import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from '../lib/errors.ts';

const SUCCESS_ONLY_HEADERS = [
  'Content-Type',
  'Content-Disposition',
  'Content-Range',
  'Accept-Ranges',
  'Cache-Control',
  'ETag',
  'Last-Modified',
  'Expires',
];

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
    // A route may have set its success headers before failing (a PDF's type, public caching):
    // an error page must not go out as a PDF, nor be kept by a cache.
    for (const header of SUCCESS_ONLY_HEADERS) res.removeHeader(header);
    res.setHeader('Cache-Control', 'no-store');
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

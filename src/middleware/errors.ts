import type { ErrorRequestHandler, RequestHandler } from 'express';
import { classifyDatabaseError, type DatabaseErrorInfo } from '../db/database-errors.ts';
import { HttpError, LinkInvalidError, NotFoundError, RateLimitedError } from '../lib/errors.ts';
import { createLogThrottle } from '../lib/throttled-log.ts';

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

/** How long a visitor is asked to wait while the database is unreachable (Retry-After). */
export const RETRY_AFTER_SECONDS = 60;

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

interface ErrorPage {
  status: number;
  titleKey: string;
  bodyKey?: string;
  /** A way on from here (a one-time link's "ask for a new one"). */
  next?: { href: string; textKey: string };
}

/** A database error as the page the visitor gets; undefined for anything else. */
function databaseErrorPage(info: DatabaseErrorInfo): ErrorPage {
  if (info.kind === 'unavailable') return { status: 503, titleKey: 'errors.unavailable.title' };
  if (info.kind === 'conflict') return { status: 409, titleKey: 'errors.conflict.title' };
  return { status: 400, titleKey: 'errors.invalidInput.title' };
}

/**
 * The one place errors become pages: typed errors keep their status; a database that cannot be
 * reached is a 503 (Retry-After), a value it refuses a 400 and a clash with an existing row a
 * 409; anything else is a 500.
 */
export function errorHandler(options: { production: boolean }): ErrorRequestHandler {
  // An outage fails every request the same way: a few lines say so, not one per request.
  const allowDatabaseLine = createLogThrottle();
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let page: ErrorPage = { status: 500, titleKey: 'errors.server.title' };
    const database = err instanceof HttpError ? undefined : classifyDatabaseError(err);
    if (err instanceof LinkInvalidError) {
      page = {
        status: err.status,
        titleKey: err.messageKey,
        bodyKey: `errors.linkInvalid.${err.reason}`,
        next: err.next,
      };
    } else if (err instanceof HttpError) {
      page = { status: err.status, titleKey: err.messageKey };
    } else if ((err as { code?: string } | null)?.code === 'EBADCSRFTOKEN') {
      page = { status: 403, titleKey: 'errors.csrf.title' };
    } else if (database) {
      page = databaseErrorPage(database);
      const note = allowDatabaseLine(
        `${database.kind}:${database.code}:${database.constraint ?? ''}`,
      );
      if (note)
        req.log.warn(
          { database: { ...database }, url: req.originalUrl.slice(0, 200), ...note },
          database.kind === 'unavailable'
            ? 'database unavailable'
            : 'value refused by the database',
        );
    } else if (isClientError(err)) {
      page = { status: err.status, titleKey: 'errors.badRequest.title' };
    }
    const { status, titleKey } = page;
    const bodyKey = page.bodyKey ?? titleKey.replace(/\.title$/, '.body');
    if (status >= 500 && !database) req.log.error({ err }, 'request failed');
    // A route may have set its success headers before failing (a PDF's type, public caching):
    // an error page must not go out as a PDF, nor be kept by a cache.
    for (const header of SUCCESS_ONLY_HEADERS) res.removeHeader(header);
    res.setHeader('Cache-Control', 'no-store');
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (err instanceof RateLimitedError)
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
    const t = req.t ?? ((key: string) => key);
    res.status(status).render(
      'errors/error',
      {
        pageTitle: t(titleKey),
        titleKey,
        bodyKey,
        status,
        next: page.next,
        requestId: req.id,
        stack:
          !options.production && status >= 500 && !database && err instanceof Error
            ? err.stack
            : undefined,
      },
      // The error page itself failing (a broken template) still answers with the status.
      (renderError: Error | null, html?: string) => {
        if (!renderError) {
          res.send(html);
          return;
        }
        req.log.error({ err: renderError }, 'error page failed');
        res.type('text/plain').send(t(titleKey));
      },
    );
  };
}

function isClientError(err: unknown): err is { status: number } {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

import express, {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
} from 'express';
import type { Deps } from '../../deps.ts';
import { hitRateLimit, type RateLimitRule } from '../../lib/rate-limit.ts';
import { HttpError, RateLimitedError, ValidationError } from '../../lib/errors.ts';
import type { Module, ModuleContext } from '../module.ts';
import { findActiveKey, touchApiKey, type ApiKeyRow } from './api-keys.repository.ts';

/** Calls per key per minute, and failed key checks per client address per minute. */
export const API_LIMITS = {
  perKey: { name: 'api:key', limit: 600, windowSeconds: 60 },
  badKeyPerIp: { name: 'api:bad-key:ip', limit: 20, windowSeconds: 60 },
} satisfies Record<string, RateLimitRule>;

/** An error answered in the API's format: `{ "error": { "code", "message" } }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The API key a machine-area request proved (requireApiKey). */
    apiKey?: ApiKeyRow;
  }
}

/** Where a request carries its key: a header, or `api_key` as Open311 clients send it. */
function keyOf(req: Request): string {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  const fromBody = (req.body as Record<string, unknown> | undefined)?.api_key;
  const fromQuery = (req.query as Record<string, unknown>).api_key;
  const given = typeof fromBody === 'string' ? fromBody : fromQuery;
  return typeof given === 'string' ? given.trim() : '';
}

/** What a key check found: the key, or why it does not let the caller in. */
export type ApiKeyCheck =
  | { ok: true; key: ApiKeyRow }
  | { ok: false; reason: 'invalid' | 'invalid_rate_limited' | 'scope' | 'rate_limited' };

/**
 * Checks the key a request carries (header, or `api_key` in the body or query) for `scope`, with
 * the same limits as every machine area: failed checks per client address, calls per key. Areas
 * that answer in a standard's own format (Open311) call this and word the refusal themselves.
 */
export async function checkApiKey(
  deps: Pick<Deps, 'db' | 'clock'>,
  req: Request,
  scope: string,
): Promise<ApiKeyCheck> {
  const key = keyOf(req);
  const found = key ? await findActiveKey(deps.db, key) : undefined;
  if (!found) {
    const within = await hitRateLimit(deps.db, deps.clock, API_LIMITS.badKeyPerIp, req.ip ?? '');
    return { ok: false, reason: within ? 'invalid' : 'invalid_rate_limited' };
  }
  if (!found.scopes.includes(scope)) return { ok: false, reason: 'scope' };
  if (!(await hitRateLimit(deps.db, deps.clock, API_LIMITS.perKey, String(found.id))))
    return { ok: false, reason: 'rate_limited' };
  await touchApiKey(deps.db, found.id, deps.clock.now());
  return { ok: true, key: found };
}

/** A machine-area route that needs a key with `scope`: 401 without a valid key, 403 without the scope, 429 over the limits. */
export function requireApiKey(deps: Pick<Deps, 'db' | 'clock'>, scope: string): RequestHandler {
  return async (req, _res, next) => {
    const check = await checkApiKey(deps, req, scope);
    if (!check.ok) {
      if (check.reason === 'invalid_rate_limited')
        throw new ApiError(429, 'rate_limited', 'Too many failed key checks; wait a minute.');
      if (check.reason === 'invalid')
        throw new ApiError(
          401,
          'invalid_api_key',
          'A valid API key is required (Authorization: Bearer <key>).',
        );
      if (check.reason === 'scope')
        throw new ApiError(403, 'insufficient_scope', `This key lacks the scope ${scope}.`);
      throw new ApiError(429, 'rate_limited', 'Too many requests for this key; wait a minute.');
    }
    req.apiKey = check.key;
    next();
  };
}

/** How deep a body may nest: a JSON body nested deeper is refused (walking it overflowed the stack). */
const MAX_NESTING = 32;

const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_NESTING) throw new HttpError(400, 'errors.badRequest.title');
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
};

/**
 * The machine area at /api/v1: its own body parsers (form-encoded and JSON, 100 kB), no session,
 * no CSRF (a key proves the caller), every answer JSON, errors included. Each module's `api`
 * router is mounted here.
 */
export function createApiArea(ctx: ModuleContext, modules: readonly Module[]): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));
  router.use(express.json({ limit: '100kb' }));
  router.use((req, _res, next) => {
    if (hasNul(req.body) || hasNul(req.query) || req.path.includes('\u0000'))
      throw new ApiError(400, 'invalid_characters', 'Text may not contain NUL characters.');
    next();
  });
  for (const module of modules) if (module.api) router.use(module.api(ctx));
  router.use(() => {
    throw new ApiError(404, 'not_found', 'No such endpoint.');
  });
  router.use(apiErrors(ctx.deps));
  return router;
}

/**
 * Interfaces that follow an outside standard at a path of their own (Open311 GeoReport v2 at
 * /open311/v2): each module's `standardApi` router mounted at its prefix with the machine area's
 * body parsers (form-encoded and JSON, 100 kB) and NUL check, no session, no CSRF, never cached.
 * The router answers everything in the standard's format, its 404s included; its `errors`
 * handler, mounted after it, every failure: the router's own, the parsers' (`status` 400 or 413)
 * and this area's ApiError for NUL characters. Keys are checked with `checkApiKey`, with the same
 * per-key limits as /api/v1.
 */
export function createStandardApiAreas(ctx: ModuleContext, modules: readonly Module[]): Router {
  const area = Router();
  for (const module of modules) {
    if (!module.standardApi) continue;
    const router = Router();
    router.use((_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
    router.use(express.urlencoded({ extended: false, limit: '100kb' }));
    router.use(express.json({ limit: '100kb' }));
    router.use((req, _res, next) => {
      if (hasNul(req.body) || hasNul(req.query) || req.path.includes('\u0000'))
        throw new ApiError(400, 'invalid_characters', 'Text may not contain NUL characters.');
      next();
    });
    router.use(module.standardApi.router(ctx));
    router.use(module.standardApi.errors(ctx));
    area.use(module.standardApi.prefix, router);
  }
  return area;
}

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_input',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  429: 'rate_limited',
};

/** Every failure in the machine area as JSON: the API's own errors, the parsers', and anything else as 500. */
function apiErrors(deps: Pick<Deps, 'logger'>): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    void _next;
    let status = 500;
    let code = 'server_error';
    let message = 'Something went wrong on our side; try again later.';
    let fields: { field: string; message: string }[] | undefined;
    if (error instanceof ApiError) ({ status, code, message } = error);
    else if (error instanceof HttpError) {
      status = error.status;
      code = HTTP_CODES[status] ?? 'error';
      message = req.t(error.messageKey);
      if (error instanceof ValidationError)
        fields = error.errors.map((e) => ({ field: e.field, message: req.t(e.key, e.params) }));
      if (error instanceof RateLimitedError)
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
    } else {
      const parser = error as { type?: string; status?: number };
      if (parser.type === 'entity.parse.failed')
        [status, code, message] = [400, 'invalid_body', 'The body is not valid JSON.'];
      else if (parser.type === 'entity.too.large')
        [status, code, message] = [413, 'too_large', 'The body is larger than 100 kB.'];
      else if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500)
        [status, code, message] = [parser.status, 'bad_request', 'The request could not be read.'];
    }
    if (status >= 500) deps.logger.error({ err: error, reqId: req.id }, 'api request failed');
    if (status === 429 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '60');
    res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}) } });
  };
}

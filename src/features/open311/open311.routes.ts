import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { Lang } from '../../lib/localized.ts';
import { ApiError, checkApiKey } from '../api/api-area.ts';
import type { ApiKeyRow } from '../api/api-keys.repository.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { EarlyAnswers, ModuleContext } from '../module.ts';
import { parseReference } from '../requests/reference.ts';
import {
  isFormat,
  Open311Error,
  sendOpen311,
  serializeOpen311,
  sendOpen311Error,
  type Format,
} from './open311.format.ts';
import {
  presentDefinition,
  presentDiscovery,
  presentRequest,
  presentService,
} from './open311.present.ts';
import {
  answerBytes,
  keepAnswer,
  keptAnswerResponse,
  sendKeptAnswer,
  type KeptAnswer,
} from './open311.answers.ts';
import { ANONYMOUS_READS, createClientLimiter, type ClientLimiter } from './open311.limits.ts';
import { findReferenceByToken, listOpen311Requests, listServices } from './open311.repository.ts';
import { parsePostRequest, parseRequestQuery } from './open311.schemas.ts';
import { fileApiRequest, findRequests, OPEN311_SCOPES, requestFilters } from './open311.service.ts';
import { hashToken } from './reporter-mail.ts';

/**
 * The language of the words in an answer (service names, notices, errors): the `locale`
 * parameter, else the best of Accept-Language, else Greek.
 */
export function open311Lang(req: {
  query: Record<string, unknown>;
  headers: Request['headers'];
  body?: unknown;
}): Lang {
  const locale =
    (req.query as Record<string, unknown>).locale ??
    (req.body as Record<string, unknown> | undefined)?.locale;
  if (typeof locale === 'string') {
    if (/^en\b/i.test(locale)) return 'en';
    if (/^el\b/i.test(locale)) return 'el';
  }
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (req.headers['accept-language'] ?? '').slice(0, 500).split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const lang = /^en\b/i.test(tag) ? 'en' : /^el\b/i.test(tag) ? 'el' : undefined;
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? 1,
    );
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'el';
}

const formatOf = (req: Request): Format => {
  const format = req.params.format;
  if (!isFormat(format)) throw new Open311Error(404, 'noEndpoint');
  return format;
};

const wordsFor = (ctx: ModuleContext, req: Request) => {
  const lang = open311Lang(req);
  return { lang, t: ctx.deps.i18n.t(lang) };
};

/** A key's refusal in the spec's words: 403 for a missing, wrong or revoked key or scope. */
function refusal(reason: 'invalid' | 'invalid_rate_limited' | 'scope' | 'rate_limited') {
  if (reason === 'invalid') return new Open311Error(403, 'apiKey');
  if (reason === 'scope') return new Open311Error(403, 'scope', { scope: OPEN311_SCOPES.write });
  return new Open311Error(429, 'tooManyCalls');
}

/** POST needs a key with open311:write. */
async function writerKey(ctx: ModuleContext, req: Request): Promise<ApiKeyRow> {
  const check = await checkApiKey(ctx.deps, req, OPEN311_SCOPES.write);
  if (!check.ok) throw refusal(check.reason);
  return check.key;
}

const keyGiven = (req: Request) =>
  (req.query as Record<string, unknown>).api_key !== undefined ||
  req.headers.authorization !== undefined ||
  req.headers['x-api-key'] !== undefined;

/**
 * Before every GET: reading needs no key, but a call without one counts against its address's
 * limit (open311.limits.ts), answered 429 with Retry-After beyond it. A key that is given must be
 * valid (403 otherwise) and is not counted per address; one with open311:read-all also sees
 * requests not marked public (`req.apiKey` is set), one without reads as the public.
 */
function readersGate(ctx: ModuleContext): RequestHandler {
  const limiter = anonymousLimiter(ctx);
  return async (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!keyGiven(req)) {
      const wait = limiter.take(req.ip ?? '');
      if (wait)
        throw new Open311Error(
          429,
          'tooManyAnonymous',
          { limit: ANONYMOUS_READS.limit, minutes: ANONYMOUS_READS.windowSeconds / 60 },
          wait,
        );
      return next();
    }
    const check = await checkApiKey(ctx.deps, req, OPEN311_SCOPES.readAll);
    if (check.ok) req.apiKey = check.key;
    else if (check.reason !== 'scope') throw refusal(check.reason);
    next();
  };
}

/** One count of anonymous calls per process, shared by the router and the early answers. */
const limiters = new WeakMap<ModuleContext['deps'], ClientLimiter>();
function anonymousLimiter(ctx: ModuleContext): ClientLimiter {
  let limiter = limiters.get(ctx.deps);
  if (!limiter) {
    limiter = createClientLimiter({
      ...ANONYMOUS_READS,
      now: () => ctx.deps.clock.now().getTime(),
    });
    limiters.set(ctx.deps, limiter);
  }
  return limiter;
}

/** Where GET requests' answer is kept: per format, language, what the caller may see, filters. */
const requestsAnswerKey = (
  format: Format,
  lang: Lang,
  everything: boolean,
  filters: ReturnType<typeof requestFilters>,
) =>
  `open311:requests:${format}:${lang}:${everything ? 'read-all' : 'public'}:${JSON.stringify(filters)}`;

const REQUESTS_PATH = /^\/requests\.(json|xml)$/;

/**
 * GET requests without a key, answered from the work cache before Express when the answer is
 * kept (as kept pages are: Express's own work per call costs more than sending a kept answer).
 * Counted against the address's limit as the router counts it; anything else (a key, a filter
 * the router must refuse, an answer not kept, a client over its limit) goes to the router.
 */
export function earlyOpen311Answers(ctx: ModuleContext): EarlyAnswers {
  const { deps } = ctx;
  const limiter = anonymousLimiter(ctx);
  return (call) => {
    const format = REQUESTS_PATH.exec(call.path)?.[1];
    if (call.method !== 'GET' || !isFormat(format) || !deps.workCache.isListening()) return;
    const { query, headers } = call;
    if (query.api_key !== undefined || headers.authorization || headers['x-api-key']) return;
    if (Object.values(query).some((value) => typeof value !== 'string' || value.includes('\0')))
      return;
    let filters: ReturnType<typeof requestFilters>;
    try {
      filters = requestFilters(parseRequestQuery(query), false, deps.clock.now());
    } catch {
      return;
    }
    const answer = deps.workCache.peek<KeptAnswer>(
      requestsAnswerKey(format, open311Lang({ query, headers }), false, filters),
    );
    if (!answer || limiter.take(call.ip())) return;
    const kept = keptAnswerResponse(headers['accept-encoding'], answer);
    return { ...kept, headers: { 'Cache-Control': 'no-store', ...kept.headers } };
  };
}

/** Whether the call's key has open311:read-all (readersGate checked it). */
const seesEverything = (req: Request) =>
  req.apiKey?.scopes.includes(OPEN311_SCOPES.readAll) === true;

/** Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), mounted at /open311/v2. */
export function createOpen311Router(ctx: ModuleContext): Router {
  const router = Router();
  const { deps } = ctx;
  router.use(readersGate(ctx));

  router.get('/discovery.:format', (req, res) => {
    const format = formatOf(req);
    sendOpen311(res, format, 'discovery', presentDiscovery(deps.config, wordsFor(ctx, req)));
  });

  router.get('/services.:format', async (req, res) => {
    const format = formatOf(req);
    const words = wordsFor(ctx, req);
    const services = (await listServices(deps.db)).map((row) => presentService(row, words));
    sendOpen311(res, format, 'services', services);
  });

  router.get('/services/:code.:format', async (req, res) => {
    const format = formatOf(req);
    const service = (await listServices(deps.db)).find((row) => row.slug === req.params.code);
    if (!service)
      throw new Open311Error(404, 'unknownService', { code: req.params.code!.slice(0, 60) });
    sendOpen311(res, format, 'service_definition', presentDefinition(service));
  });

  router.post('/requests.:format', async (req, res) => {
    const format = formatOf(req);
    const key = await writerKey(ctx, req);
    const input = parsePostRequest(req.body);
    const words = wordsFor(ctx, req);
    const filed = await fileApiRequest(deps, ctx.services, {
      key,
      input,
      lang: words.lang,
      context: auditContext(req),
    });
    sendOpen311(res, format, 'service_requests', [
      {
        service_request_id: filed.reference,
        token: filed.token,
        service_notice: words.t('open311.filedNotice', { reference: filed.reference }),
      },
    ]);
  });

  // Kept in memory per format, language, what the caller may see and the filters (the default
  // window's first day included), until a request, category or department changes (work_changed).
  router.get('/requests.:format', async (req, res) => {
    const format = formatOf(req);
    const everything = seesEverything(req);
    const query = parseRequestQuery(req.query as Record<string, unknown>);
    const words = wordsFor(ctx, req);
    const filters = requestFilters(query, everything, deps.clock.now());
    const key = requestsAnswerKey(format, words.lang, everything, filters);
    const answer = await deps.workCache.get(
      key,
      async () => {
        const rows = await listOpen311Requests(deps.db, filters);
        const body = rows.map((row) => presentRequest(row, words));
        const { type, text } = serializeOpen311(format, 'service_requests', body);
        return keepAnswer(type, text);
      },
      answerBytes,
    );
    sendKeptAnswer(req, res, answer);
  });

  router.get('/requests/:id.:format', async (req, res) => {
    const format = formatOf(req);
    const everything = seesEverything(req);
    const ref = parseReference(req.params.id);
    const rows = ref ? await findRequests(deps, { references: [ref] }, everything) : [];
    if (!rows.length) throw new Open311Error(404, 'unknownRequest');
    const words = wordsFor(ctx, req);
    sendOpen311(
      res,
      format,
      'service_requests',
      rows.map((row) => presentRequest(row, words)),
    );
  });

  router.get('/tokens/:token.:format', async (req, res) => {
    const format = formatOf(req);
    const token = req.params.token ?? '';
    const ref = /^[A-Za-z0-9_-]{43}$/.test(token)
      ? await findReferenceByToken(deps.db, hashToken(token))
      : undefined;
    if (!ref) throw new Open311Error(404, 'unknownToken');
    sendOpen311(res, format, 'service_requests', [
      { service_request_id: `${ref.year}-${String(ref.number).padStart(6, '0')}`, token },
    ]);
  });

  router.use(() => {
    throw new Open311Error(404, 'noEndpoint');
  });
  return router;
}

/** Every failure in the spec's error format, in the format the path asked for (XML by default). */
export function open311Errors(ctx: ModuleContext): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    void _next;
    const format: Format = /\.json$/i.test(req.path) ? 'json' : 'xml';
    const { t } = wordsFor(ctx, req);
    let status = 500;
    let description = t('open311.errors.server');
    if (error instanceof Open311Error) {
      status = error.status;
      description = t(`open311.errors.${error.key}`, error.params);
    } else if (error instanceof ApiError) {
      status = 400;
      description = t('open311.errors.badCharacters');
    } else {
      const parser = error as { type?: string; status?: number };
      if (parser.type === 'entity.too.large')
        [status, description] = [400, t('open311.errors.tooLarge')];
      else if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500)
        [status, description] = [400, t('open311.errors.badBody')];
    }
    if (status >= 500)
      ctx.deps.logger.error({ err: error, reqId: req.id }, 'open311 request failed');
    if (status === 429)
      res.setHeader(
        'Retry-After',
        String((error instanceof Open311Error && error.retryAfterSeconds) || 60),
      );
    sendOpen311Error(res, format, status, description);
  };
}

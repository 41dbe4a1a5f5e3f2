import type { Express, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { EarlyAnswers, EarlyPages } from '../features/module.ts';
import type { PublicPagePatterns } from '../features/registry.ts';
import type { ContentCache } from '../lib/content-cache.ts';
import { keepPage, keptPageBytes, sendKeptPage, type KeptPage } from './kept-page.ts';
import { chooseLanguage } from './language.ts';
import { sendPersonalPage, type PersonalPage, type PersonalPages } from './personal-pages.ts';
import { SESSION_COOKIE } from './session.ts';

const PAGE_NUMBER = /^[1-9]\d{0,3}$/;

interface PageRequest {
  method?: string;
  path: string;
  query: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

/** Whether a request asks for a public page (as anyone sees it, or as a signed-in citizen sees it). */
export type PublicPageTest = (req: PageRequest) => boolean;

/**
 * The public pages every anonymous visitor sees alike, as the modules declare them
 * (`publicPages`: home, the decisions, benefits, health services, the footer's pages). Not a
 * search (`q` and the filters make countless pages, each seen once), nor a page with a form.
 */
export function publicPageTest(pages: PublicPagePatterns): PublicPageTest {
  return (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (req.headers.authorization) return false;
    if (!pages.page.test(req.path)) return false;
    for (const [name, value] of Object.entries(req.query)) {
      if (name === 'lang' && (value === 'el' || value === 'en')) continue;
      if (name === 'page' && typeof value === 'string' && pages.paged.test(req.path))
        if (PAGE_NUMBER.test(value)) continue;
      return false;
    }
    return true;
  };
}

/** Whether a request asks for one of the pages kept per session (`keptPages`), with any query. */
export function keptPageTest(pattern: RegExp): PublicPageTest {
  return (req) =>
    (req.method === 'GET' || req.method === 'HEAD') &&
    !req.headers.authorization &&
    pattern.test(req.path);
}

const hasSessionCookie = (req: PageRequest) =>
  req.headers.cookie?.includes(`${SESSION_COOKIE}=`) ?? false;

type Handle = (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;

const keyOf = (lang: string, url: string) => `page:${lang}:${url}`;

/**
 * Anonymous public pages, rendered once per language and URL and kept in a notified cache (the
 * content cache, or the work cache for pages of case work; under their byte budget, emptied by
 * their NOTIFY, bypassed while the connection is down). Mounted after the request logger, the security headers and the language, so a kept page
 * goes out with the same headers and log line as a fresh one. A page that comes out with a
 * session, a user, a new cookie or a status other than 200 is sent as it is and not kept.
 */
export function pageCache(cache: ContentCache, isPublicPage: PublicPageTest): RequestHandler {
  return (req, res, next) => {
    // Nothing is kept while the cache is off or not listening: pages go out as rendered.
    if (!cache.isListening() || hasSessionCookie(req) || !isPublicPage(req)) {
      next();
      return;
    }
    const key = keyOf(req.lang, req.originalUrl);
    const send = res.send.bind(res);
    const write = (body: Buffer) => void send(body);
    const kept = cache.peek<KeptPage>(key);
    if (kept) {
      sendKeptPage(req, res, kept, write);
      return;
    }
    const generation = cache.generation();
    const cookiesBefore = JSON.stringify(res.getHeader('Set-Cookie') ?? null);
    res.send = (body?: unknown) => {
      res.send = send;
      const page = keepable(req, res, body, cookiesBefore);
      if (!page) return send(body);
      cache.put(key, page, keptPageBytes(page), generation);
      sendKeptPage(req, res, page, write);
      return res;
    };
    next();
  };
}

function keepable(
  req: Request,
  res: Response,
  body: unknown,
  cookiesBefore: string,
): KeptPage | undefined {
  const plain =
    typeof body === 'string' &&
    res.statusCode === 200 &&
    !req.session &&
    !req.user &&
    JSON.stringify(res.getHeader('Set-Cookie') ?? null) === cookiesBefore &&
    String(res.getHeader('Content-Type') ?? 'text/html').startsWith('text/html');
  if (!plain) return undefined;
  const nonce = String(res.locals.cspNonce ?? '');
  return keepPage(body, nonce, String(res.getHeader('Content-Security-Policy') ?? ''));
}

/**
 * Answers a request for a kept page before Express sets the request up: Express's own work per
 * request (it swaps the prototypes of the request and response) costs several times the rest of
 * such an answer. The middleware that every page's headers and log line come from (`before`:
 * the request logger, the security headers) runs first, as it would in Express; anything else
 * (a page not kept, one that would set the language cookie) goes on to Express unchanged.
 */
export function answerKeptPagesFirst(
  app: Express,
  anonymous: readonly { test: PublicPageTest; cache: ContentCache }[],
  before: RequestHandler[],
  personal: readonly { test: PublicPageTest; pages: PersonalPages }[] = [],
  answers: readonly { prefix: string; answer: EarlyAnswers }[] = [],
  earlyPages: readonly EarlyPages[] = [],
): void {
  // Express calls app.handle for every request (express.js: `app(req, res) => app.handle(…)`).
  const withHandle = app as unknown as { handle: Handle };
  const handle = withHandle.handle.bind(app);
  /** The handlers every answer's headers and log line come from; false when one failed (a 500 sent). */
  const runBefore = (req: IncomingMessage, res: ServerResponse, url: string): boolean => {
    const expressReq = req as unknown as Request;
    const expressRes = res as unknown as Response;
    expressReq.originalUrl = url;
    expressRes.locals = Object.create(null) as Response['locals'];
    let ran = 0;
    try {
      for (const handler of before) void handler(expressReq, expressRes, () => (ran += 1));
    } catch {
      ran = -1;
    }
    // Those handlers set headers and call next() at once; one that did not is a bug, not a page.
    if (ran === before.length) return true;
    res.statusCode = 500;
    res.end();
    return false;
  };
  // The client's address as Express's req.ip works it out (its trust proxy setting), without
  // making the request an Express one.
  const ipOf = (req: IncomingMessage) => {
    const shim = { app, socket: req.socket, connection: req.socket, headers: req.headers };
    // Reflect.get calls Express's `ip` getter with the shim as `this`.
    const ip: unknown = Reflect.get(app.request, 'ip', shim);
    return typeof ip === 'string' ? ip : '';
  };
  const answerEarly = (
    req: IncomingMessage,
    res: ServerResponse,
    api: { prefix: string; answer: EarlyAnswers },
    path: string,
    query: Record<string, unknown>,
  ): boolean => {
    const answer = api.answer({
      method: req.method ?? 'GET',
      path: path.slice(api.prefix.length),
      query,
      headers: req.headers,
      ip: () => ipOf(req),
    });
    if (!answer) return false;
    if (!runBefore(req, res, req.url ?? '/')) return true;
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.end(answer.body);
    return true;
  };
  const early = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const query = mark < 0 ? {} : parseQuery(url.slice(mark + 1));
    const path = mark < 0 ? url : url.slice(0, mark);
    const api = answers.find(({ prefix }) => path.startsWith(`${prefix}/`));
    if (api) return answerEarly(req, res, api, path, query);
    if (earlyPages.length && (req.method === 'GET' || req.method === 'HEAD')) {
      const { lang, remember } = chooseLanguage(query.lang, req.headers.cookie);
      if (!remember)
        for (const pages of earlyPages) {
          const found = pages({
            method: req.method,
            path,
            query,
            headers: req.headers,
            lang,
            ip: () => ipOf(req),
          });
          if (!found) continue;
          if (!runBefore(req, res, url)) return true;
          for (const [name, value] of Object.entries(found.headers ?? {}))
            res.setHeader(name, value);
          sendKeptPage(req, res, found.page, (body) => res.end(body), { personal: true });
          return true;
        }
    }
    const pageRequest = { method: req.method, path, query, headers: req.headers };
    const signedIn = hasSessionCookie(pageRequest);
    // A signed-in page is kept for GET only (personal-pages.ts keeps what GET renders).
    const kind = signedIn
      ? req.method === 'GET'
        ? personal.find((k) => k.test(pageRequest))
        : undefined
      : anonymous.find((k) => k.test(pageRequest));
    if (!kind) return false;
    const { lang, remember } = chooseLanguage(query.lang, req.headers.cookie);
    if (remember) return false;
    const page =
      'pages' in kind
        ? kind.pages.find(req, lang, url)
        : kind.cache.peek<KeptPage>(keyOf(lang, url));
    if (!page) return false;
    if (!runBefore(req, res, url)) return true;
    if (signedIn) sendPersonalPage(req, res, page as PersonalPage, (body) => res.end(body));
    else sendKeptPage(req, res, page, (body) => res.end(body));
    return true;
  };
  withHandle.handle = (req, res, next) => {
    if (!early(req, res)) handle(req, res, next);
  };
}

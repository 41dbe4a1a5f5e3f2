import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { athensDate } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import {
  keepPage,
  keptPageBytes,
  sendKeptPage,
  type KeptPage,
} from '../../../middleware/kept-page.ts';
import type { EarlyPages, ModuleContext } from '../../module.ts';
import { createClientLimiter, type ClientLimiter } from '../../open311/open311.limits.ts';
import { parseVerificationCode } from '../verification-code.ts';

/**
 * Look-ups and comparisons per client address, together: 30 at once, then one every two minutes
 * (30 an hour). Plenty for anyone checking the certificates they were handed, far too few to try
 * codes (12 characters of 32: 60 random bits). Counted in this process's memory, as Open311's
 * anonymous reads are (open311.limits.ts): a write to PostgreSQL per look-up would cost more than
 * the look-up. With N processes an address gets N × 30; a restart forgets the counts.
 */
export const VERIFY_LIMIT = { limit: 30, windowSeconds: 60 * 60, maxClients: 20_000 };

/** One limiter per app, shared by the router and the early answers (both count every look-up). */
const limiters = new WeakMap<Deps, ClientLimiter>();
export function verifyLimiter(deps: Deps): ClientLimiter {
  let limiter = limiters.get(deps);
  if (!limiter) {
    limiter = createClientLimiter({ ...VERIFY_LIMIT, now: () => deps.clock.now().getTime() });
    limiters.set(deps, limiter);
  }
  return limiter;
}

/** The headers a verification page goes out with, fresh or kept. */
export const VERIFY_HEADERS = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' } as const;

const PATH = /^\/verify\/([^/]+)$/;

/**
 * A certificate's verification page as rendered for a language on an Athens day, kept in the work
 * cache: emptied by NOTIFY work_changed on any write to the certificates or their types (a
 * revocation, a corrected name), and a new key each day (an expiry). A page is never stale.
 */
const keyOf = (lang: Lang, code: string, day: string) => `verify:${lang}:${code}:${day}`;

/**
 * Renders a verification page (GET, 200) and keeps it for the early answers; `generation` is the
 * cache's, read before the look-up, so a revocation during the render is not kept over.
 */
export function renderKept(
  deps: Deps,
  req: Request,
  res: Response,
  next: NextFunction,
  view: string,
  locals: Record<string, unknown>,
  code: string,
  generation: number,
): void {
  res.render(view, locals, (error: Error | null, html?: string) => {
    if (error || html === undefined) {
      next(error);
      return;
    }
    const page = keepPage(
      html,
      String(res.locals.cspNonce ?? ''),
      String(res.getHeader('Content-Security-Policy') ?? ''),
    );
    if (!page) {
      res.send(html);
      return;
    }
    const day = athensDate(deps.clock.now());
    if (deps.workCache.isListening())
      deps.workCache.put(keyOf(req.lang, code, day), page, keptPageBytes(page), generation);
    sendKeptPage(req, res, page, (body) => void res.send(body), { personal: true });
  });
}

/**
 * /verify/<code> answered before Express when its page is kept: counted against the same limit
 * as the router's look-ups (over it, the router answers the 429), the same headers.
 */
export function earlyVerifyPages(ctx: ModuleContext): EarlyPages {
  const { deps } = ctx;
  const limiter = verifyLimiter(deps);
  return (call) => {
    const match = PATH.exec(call.path);
    if (!match || Object.keys(call.query).some((name) => name !== 'lang')) return undefined;
    if (call.headers.authorization || !deps.workCache.isListening()) return undefined;
    const code = parseVerificationCode(decodeURIComponentSafe(match[1]!));
    if (!code) return undefined;
    const page = deps.workCache.peek<KeptPage>(
      keyOf(call.lang, code, athensDate(deps.clock.now())),
    );
    if (!page) return undefined;
    if (limiter.take(call.ip()) > 0) return undefined;
    return { page, headers: { ...VERIFY_HEADERS } };
  };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

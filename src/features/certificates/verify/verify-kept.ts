import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ContentCache } from '../../../lib/content-cache.ts';
import {
  keepPage,
  keptPageBytes,
  sendKeptPage,
  type KeptPage,
} from '../../../middleware/kept-page.ts';

/**
 * Renders a certificate's verification page, or sends it as it was rendered before for the same
 * address, language and content. The key is a hash of everything the page shows (the look-up's
 * result, presented), so a revocation, an expiry or a corrected type name is a new page, never a
 * stale one; the look-up itself still runs on every request. Kept in the content cache (bounded
 * by the shared budget), sent `no-store` like a signed-in page: a state can change at any time.
 */
export function renderKept(
  cache: ContentCache,
  req: Request,
  res: Response,
  next: NextFunction,
  view: string,
  locals: Record<string, unknown>,
  shown: unknown,
): void {
  const digest = createHash('sha256').update(JSON.stringify(shown)).digest('base64url');
  const key = `verify:${req.lang}:${req.originalUrl}:${digest}`;
  const send = (page: KeptPage) =>
    sendKeptPage(req, res, page, (body) => void res.send(body), { personal: true });
  const found = cache.peek<KeptPage>(key);
  if (found) {
    send(found);
    return;
  }
  const generation = cache.generation();
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
    cache.put(key, page, keptPageBytes(page), generation);
    send(page);
  });
}

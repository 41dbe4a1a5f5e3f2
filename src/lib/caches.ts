import { CacheBudget } from './cache-budget.ts';
import type { Clock } from './clock.ts';
import { createNoContentCache, createNotifiedCache, type ContentCache } from './content-cache.ts';
import type { Logger } from './logger.ts';

export interface Caches {
  /** The bytes every cache below may hold together. */
  cacheBudget: CacheBudget;
  /** Public content (and the pages rendered from it): emptied by NOTIFY content_changed. */
  contentCache: ContentCache;
  /** Signed-in accounts, by id: a page view does not re-read its account unless it changed. */
  userCache: ContentCache;
  /** Sessions, by id: a page view does not re-read its session unless it changed (NOTIFY sessions_changed). */
  sessionCache: ContentCache;
  /**
   * Case work staff handle (the requests queue), and the staff pages rendered from it: emptied by
   * NOTIFY work_changed, which a module's tables announce (statement triggers calling
   * notify_work_changed()). Apart from contentCache, so a filed request does not empty the public pages.
   */
  workCache: ContentCache;
}

/** The process's caches, under one byte budget, each listening on `listenUrl` for changes. */
export function createCaches(options: {
  listenUrl: string;
  enabled?: boolean;
  maxBytes: number;
  maxAgeSeconds: number;
  heartbeatSeconds: number;
  logger: Logger;
  clock: Clock;
}): Caches {
  const cacheBudget = new CacheBudget(options.maxBytes);
  if (options.enabled === false)
    return {
      cacheBudget,
      contentCache: createNoContentCache(),
      userCache: createNoContentCache(),
      sessionCache: createNoContentCache(),
      workCache: createNoContentCache(),
    };
  const common = {
    budget: cacheBudget,
    maxAgeMs: options.maxAgeSeconds * 1000,
    heartbeatMs: options.heartbeatSeconds * 1000,
    logger: options.logger,
    clock: options.clock,
  };
  return {
    cacheBudget,
    contentCache: createNotifiedCache(options.listenUrl, { ...common, channel: 'content_changed' }),
    userCache: createNotifiedCache(options.listenUrl, {
      ...common,
      channel: 'users_changed',
      keyOf: (id) => id,
    }),
    sessionCache: createNotifiedCache(options.listenUrl, {
      ...common,
      channel: 'sessions_changed',
      keyOf: (sid) => sid,
    }),
    workCache: createNotifiedCache(options.listenUrl, { ...common, channel: 'work_changed' }),
  };
}

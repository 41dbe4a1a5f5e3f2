import pg from 'pg';
import type { Logger } from './logger.ts';

/**
 * A per-process cache of public content (lists, searches, pages). Every write to public content
 * fires NOTIFY content_changed (a statement trigger), and each process LISTENs on its own
 * connection and empties its cache when told, within milliseconds of the commit. While that
 * connection is down the cache is bypassed (every request reads the database) and emptied when it
 * comes back, so a lost notification can never leave stale content. Bounded: oldest entries go first.
 */
export interface ContentCache {
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** For the process that made a change: it need not wait for its own notification. */
  invalidate(): void;
  close(): Promise<void>;
}

export function createContentCache(
  connectionString: string,
  logger: Logger,
  maxEntries = 2000,
): ContentCache {
  const entries = new Map<string, Promise<unknown>>();
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({ connectionString, application_name: 'eservices-cache' });
    next.on('notification', () => entries.clear());
    next.on('error', (error) => {
      logger.warn(
        { err: error.message },
        'content cache listener lost; reading the database until it is back',
      );
      listening = false;
      entries.clear();
      void next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), 1000);
    });
    try {
      await next.connect();
      await next.query('LISTEN content_changed');
      client = next;
      entries.clear();
      listening = !closed;
    } catch (error) {
      await next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), 1000);
      throw error;
    }
  };
  const ready = connect().catch(() => undefined);

  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      if (!listening) return load();
      const hit = entries.get(key);
      if (hit) {
        // Map keeps insertion order: re-inserting marks the entry as recently used.
        entries.delete(key);
        entries.set(key, hit);
        return hit as Promise<T>;
      }
      const pending = load();
      entries.set(key, pending);
      pending.catch(() => entries.delete(key));
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return pending;
    },
    invalidate: () => entries.clear(),
    async close() {
      closed = true;
      listening = false;
      clearTimeout(retry);
      await ready;
      await client?.end().catch(() => undefined);
    },
  };
}

/** No caching (CONTENT_CACHE=false). */
export function createNoContentCache(): ContentCache {
  return {
    get: (_key, load) => load(),
    invalidate: () => undefined,
    close: () => Promise.resolve(),
  };
}

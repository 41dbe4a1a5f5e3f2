import pg from 'pg';
import type { Logger } from './logger.ts';

/**
 * A per-process cache whose entries are dropped when PostgreSQL announces a change (NOTIFY).
 * Public content: every write fires NOTIFY content_changed (a statement trigger) and the whole
 * cache empties. Accounts: NOTIFY users_changed carries the id and only that entry goes.
 * Each process LISTENs on its own connection and hears within milliseconds of the commit. While
 * that connection is down the cache is bypassed (every request reads the database) and it is
 * emptied when the connection comes back, so a lost notification never leaves stale data.
 * Bounded: the least recently used entries go first.
 */
export interface ContentCache {
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** For the process that made a change, which need not wait for its own notification. No key: everything. */
  invalidate(key?: string): void;
  close(): Promise<void>;
}

export interface NotifiedCacheOptions {
  /** The NOTIFY channel that announces changes. */
  channel: string;
  /** Which entry a notification's payload concerns; undefined empties the whole cache. */
  keyOf?: (payload: string) => string | undefined;
  maxEntries?: number;
}

export function createContentCache(connectionString: string, logger: Logger): ContentCache {
  return createNotifiedCache(connectionString, logger, { channel: 'content_changed' });
}

export function createNotifiedCache(
  connectionString: string,
  logger: Logger,
  options: NotifiedCacheOptions,
): ContentCache {
  const maxEntries = options.maxEntries ?? 2000;
  const entries = new Map<string, Promise<unknown>>();
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const forget = (key?: string) => {
    if (key === undefined) entries.clear();
    else entries.delete(key);
  };

  const scheduleReconnect = () => {
    if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), 1000);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString,
      application_name: `eservices-${options.channel}`,
    });
    next.on('notification', (message) => forget(options.keyOf?.(message.payload ?? '')));
    next.on('error', (error) => {
      logger.warn(
        { err: error.message, channel: options.channel },
        'cache listener lost; reading the database until it is back',
      );
      listening = false;
      entries.clear();
      void next.end().catch(() => undefined);
      scheduleReconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
      client = next;
      entries.clear();
      listening = !closed;
    } catch (error) {
      await next.end().catch(() => undefined);
      scheduleReconnect();
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
    invalidate: forget,
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

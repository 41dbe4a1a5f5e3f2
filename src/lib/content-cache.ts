import {
  ENTRY_OVERHEAD_BYTES,
  estimateBytes,
  type BudgetTicket,
  type CacheBudget,
} from './cache-budget.ts';
import { listenForChanges } from './cache-listener.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';

/**
 * A per-process cache whose entries are dropped when PostgreSQL announces a change (NOTIFY).
 * Public content: every write fires NOTIFY content_changed (a statement trigger) and the whole
 * cache empties. Accounts: NOTIFY users_changed carries the id and only that entry goes.
 * Each process LISTENs on its own connection and hears within milliseconds of the commit. While
 * that connection is down or silent (see cache-listener.ts) the cache is bypassed (every request
 * reads the database) and it is emptied when the connection comes back, so a lost notification
 * never leaves stale data. Bounded in bytes (one budget shared by every cache, least recently
 * used first) and in age: no entry is served older than `maxAgeMs`, heard or not.
 */
export interface ContentCache {
  /** `bytes`: the value's size, where JSON would misjudge it (Buffers); by default its JSON's. */
  get<T>(key: string, load: () => Promise<T>, bytes?: (value: T) => number): Promise<T>;
  /** A value kept by `put`, if it is there and young enough. Never loads. */
  peek<T>(key: string): T | undefined;
  /**
   * Keeps a value made outside the cache (a rendered page) of a known size, unless anything was
   * dropped since `generation` was read: the value may have been made from data now stale.
   */
  put(key: string, value: unknown, bytes: number, generation: number): void;
  /** Read before making a value for `put`. */
  generation(): number;
  /** False while the LISTEN connection is down or unproven: every read goes to the database. */
  isListening(): boolean;
  /** For the process that made a change, which need not wait for its own notification. No key: everything. */
  invalidate(key?: string): void;
  close(): Promise<void>;
}

export interface NotifiedCacheOptions {
  /** The NOTIFY channel that announces changes. */
  channel: string;
  /** Which entry a notification's payload concerns; undefined empties the whole cache. */
  keyOf?: (payload: string) => string | undefined;
  budget: CacheBudget;
  maxAgeMs: number;
  heartbeatMs: number;
  clock: Clock;
  logger: Logger;
}

interface Entry {
  value: Promise<unknown>;
  settled: boolean;
  result?: unknown;
  storedAt: number;
  ticket?: BudgetTicket;
}

export function createNotifiedCache(
  connectionString: string,
  options: NotifiedCacheOptions,
): ContentCache {
  const { budget, maxAgeMs, clock } = options;
  const entries = new Map<string, Entry>();
  let listening = false;
  let generation = 0;

  const drop = (key: string, entry: Entry) => {
    if (entries.get(key) !== entry) return;
    entries.delete(key);
    if (entry.ticket) budget.release(entry.ticket);
  };
  const forget = (key?: string) => {
    generation += 1;
    if (key === undefined) {
      for (const entry of entries.values()) if (entry.ticket) budget.release(entry.ticket);
      entries.clear();
    } else {
      const entry = entries.get(key);
      if (entry) drop(key, entry);
    }
  };
  /** A fresh entry, marked as just used; an old one is dropped. */
  const fresh = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (clock.now().getTime() - entry.storedAt >= maxAgeMs) {
      drop(key, entry);
      return undefined;
    }
    if (entry.ticket) budget.touch(entry.ticket);
    return entry;
  };
  /** Adds an entry charged `bytes`; false when the budget cannot hold it. */
  const store = (key: string, entry: Entry, bytes: number): boolean => {
    const existing = entries.get(key);
    if (existing) drop(key, existing);
    const ticket = budget.admit(bytes, () => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    if (!ticket) return false;
    entry.ticket = ticket;
    entries.set(key, entry);
    return true;
  };

  const listener = listenForChanges({
    connectionString,
    channel: options.channel,
    heartbeatMs: options.heartbeatMs,
    logger: options.logger,
    on: {
      changed: (payload) => forget(options.keyOf?.(payload)),
      listening: () => {
        forget();
        listening = true;
      },
      lost: () => {
        listening = false;
        forget();
      },
    },
  });

  return {
    get<T>(key: string, load: () => Promise<T>, bytes?: (value: T) => number): Promise<T> {
      if (!listening) return load();
      const hit = fresh(key);
      if (hit) return hit.value as Promise<T>;
      const pending = load();
      const entry: Entry = { value: pending, settled: false, storedAt: clock.now().getTime() };
      // Charged a placeholder while loading, then its measured size.
      if (!store(key, entry, ENTRY_OVERHEAD_BYTES + 2 * key.length)) return pending;
      pending.then(
        (value) => {
          if (entries.get(key) !== entry || !entry.ticket) return;
          entry.settled = true;
          entry.result = value;
          budget.resize(
            entry.ticket,
            bytes
              ? ENTRY_OVERHEAD_BYTES + 2 * key.length + bytes(value)
              : estimateBytes(key, value),
          );
        },
        () => drop(key, entry),
      );
      return pending;
    },
    peek<T>(key: string): T | undefined {
      if (!listening) return undefined;
      const hit = fresh(key);
      return hit?.settled ? (hit.result as T) : undefined;
    },
    put(key, value, bytes, since) {
      if (!listening || since !== generation) return;
      const entry: Entry = {
        value: Promise.resolve(value),
        settled: true,
        result: value,
        storedAt: clock.now().getTime(),
      };
      store(key, entry, ENTRY_OVERHEAD_BYTES + 2 * key.length + bytes);
    },
    generation: () => generation,
    isListening: () => listening,
    invalidate: forget,
    async close() {
      listening = false;
      await listener.close();
      forget();
    },
  };
}

/** No caching (CONTENT_CACHE=false). */
export function createNoContentCache(): ContentCache {
  return {
    get: (_key, load) => load(),
    peek: () => undefined,
    put: () => undefined,
    generation: () => 0,
    isListening: () => false,
    invalidate: () => undefined,
    close: () => Promise.resolve(),
  };
}

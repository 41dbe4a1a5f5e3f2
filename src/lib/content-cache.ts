import type { Db } from '../db/knex.ts';

/**
 * A per-process cache of public content (lists, searches, pages), valid for one version of the
 * content. Every lookup first reads the current version from PostgreSQL (one indexed row), so a
 * change published through any process is visible at once in all of them; nothing relies on
 * memory shared between processes. Bounded: the oldest entries go first.
 */
export interface ContentCache {
  version(): Promise<number>;
  get<T>(version: number, key: string, load: () => Promise<T>): Promise<T>;
}

export function createContentCache(db: Db, maxEntries = 2000): ContentCache {
  let cachedVersion = -1;
  const entries = new Map<string, Promise<unknown>>();
  return {
    async version() {
      const row = (await db('content_versions').where({ name: 'public' }).first('version')) as
        { version: number } | undefined;
      return Number(row?.version ?? 0);
    },
    get<T>(version: number, key: string, load: () => Promise<T>): Promise<T> {
      if (version !== cachedVersion) {
        entries.clear();
        cachedVersion = version;
      }
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
  };
}

/** No caching (tests that count queries, or CONTENT_CACHE=false). */
export function createNoContentCache(): ContentCache {
  return { version: () => Promise.resolve(0), get: (_v, _k, load) => load() };
}

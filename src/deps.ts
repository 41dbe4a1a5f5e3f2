import type { Config } from './config.ts';
import { createDb, type Db } from './db/knex.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import {
  createContentCache,
  createNoContentCache,
  type ContentCache,
} from './lib/content-cache.ts';
import { createDocumentStore, type DocumentStore } from './lib/document-store.ts';
import { createI18n } from './lib/i18n.ts';
import { createLogger, type Logger } from './lib/logger.ts';

export interface Deps {
  config: Readonly<Config>;
  db: Db;
  logger: Logger;
  clock: Clock;
  i18n: ReturnType<typeof createI18n>;
  documents: DocumentStore;
  contentCache: ContentCache;
  close: () => Promise<void>;
}

/** The one place that news things up. Tests call it with their own config (and may swap the clock). */
export function createDeps(
  config: Readonly<Config>,
  databaseUrl: string,
  overrides: Partial<Deps> = {},
): Deps {
  const db = overrides.db ?? createDb(databaseUrl, config.DATABASE_POOL_MAX);
  return {
    config,
    db,
    logger: overrides.logger ?? createLogger(config.LOG_LEVEL),
    clock: overrides.clock ?? systemClock,
    i18n: overrides.i18n ?? createI18n(),
    documents: overrides.documents ?? createDocumentStore(config.UPLOAD_DIR),
    contentCache:
      overrides.contentCache ??
      (config.CONTENT_CACHE ? createContentCache(db) : createNoContentCache()),
    close: () => db.destroy(),
  };
}

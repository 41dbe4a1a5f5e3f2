import type PgBoss from 'pg-boss';
import pg from 'pg';
import type { Config } from './config.ts';
import { createDb, type Db } from './db/knex.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import {
  createContentCache,
  createNoContentCache,
  createNotifiedCache,
  type ContentCache,
} from './lib/content-cache.ts';
import { createDocumentStore, type DocumentStore } from './lib/document-store.ts';
import { createI18n } from './lib/i18n.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import {
  createBoss,
  createMailQueue,
  ensureMailQueue,
  type MailQueue,
} from './features/mail/mail-queue.ts';

export interface Deps {
  config: Readonly<Config>;
  db: Db;
  logger: Logger;
  clock: Clock;
  i18n: ReturnType<typeof createI18n>;
  documents: DocumentStore;
  contentCache: ContentCache;
  userCache: ContentCache;
  boss: PgBoss;
  /** A small pg pool for the session store. */
  sessionPool: pg.Pool;
  mail: MailQueue;
  /** Starts what needs starting (the job queue). */
  start: () => Promise<void>;
  close: () => Promise<void>;
}

/** The one place that news things up. Tests call it with their own config (and may swap the clock). */
export function createDeps(
  config: Readonly<Config>,
  databaseUrl: string,
  overrides: Partial<Deps> = {},
  options: { worker?: boolean } = {},
): Deps {
  const db = overrides.db ?? createDb(databaseUrl, config.DATABASE_POOL_MAX);
  const boss = overrides.boss ?? createBoss(databaseUrl, { worker: options.worker ?? false });
  const queueOptions = {
    retryDelaySeconds: config.MAIL_RETRY_DELAY_SECONDS,
    retryLimit: config.MAIL_RETRY_LIMIT,
  };
  let started = false;
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const contentCache =
    overrides.contentCache ??
    (config.CONTENT_CACHE ? createContentCache(databaseUrl, logger) : createNoContentCache());
  // Signed-in accounts, by id: a page view does not re-read its account unless it changed.
  const userCache =
    overrides.userCache ??
    (config.CONTENT_CACHE
      ? createNotifiedCache(databaseUrl, logger, {
          channel: 'users_changed',
          keyOf: (id) => id,
          maxEntries: 10_000,
        })
      : createNoContentCache());
  const sessionPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    application_name: 'eservices-sessions',
  });
  // A database restart or shutdown drops idle connections: log it, never crash the process on it.
  sessionPool.on('error', (error) =>
    logger.warn({ err: error.message }, 'session pool connection lost'),
  );
  boss.on('error', (error: Error) => logger.warn({ err: error.message }, 'job queue error'));
  return {
    config,
    db,
    logger,
    clock: overrides.clock ?? systemClock,
    i18n: overrides.i18n ?? createI18n(),
    documents: overrides.documents ?? createDocumentStore(config.UPLOAD_DIR),
    contentCache,
    userCache,
    boss,
    sessionPool,
    mail: overrides.mail ?? createMailQueue(boss),
    start: async () => {
      await boss.start();
      await ensureMailQueue(boss, queueOptions);
      started = true;
    },
    close: async () => {
      if (started) await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      await contentCache.close();
      await userCache.close();
      await sessionPool.end();
      await db.destroy();
    },
  };
}

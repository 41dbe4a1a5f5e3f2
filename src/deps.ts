import type PgBoss from 'pg-boss';
import pg from 'pg';
import type { Config } from './config.ts';
import { ACQUIRE_TIMEOUT_MS, createDb, type Db } from './db/knex.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import type { CacheBudget } from './lib/cache-budget.ts';
import { createCaches } from './lib/caches.ts';
import { MODULES } from './features/index.ts';
import type { Module } from './features/module.ts';
import { emailTemplatesOf, localesOf } from './features/registry.ts';
import { createMailer, type Mailer } from './features/mail/mailer.ts';
import type { ContentCache } from './lib/content-cache.ts';
import { createDocumentStore, type DocumentStore } from './lib/document-store.ts';
import { createI18n } from './lib/i18n.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { createLogThrottle } from './lib/throttled-log.ts';
import {
  createBoss,
  createMailQueue,
  ensureMailQueue,
  type MailQueue,
} from './features/mail/mail-queue.ts';

export interface Deps {
  config: Readonly<Config>;
  /** Every capability's manifest (src/features/index.ts), plus any a test plugs in. */
  modules: readonly Module[];
  db: Db;
  logger: Logger;
  clock: Clock;
  i18n: ReturnType<typeof createI18n>;
  documents: DocumentStore;
  /** The bytes the caches below (and the rendered pages kept in contentCache) share. */
  cacheBudget: CacheBudget;
  contentCache: ContentCache;
  userCache: ContentCache;
  sessionCache: ContentCache;
  workCache: ContentCache;
  boss: PgBoss;
  /** A small pg pool for the session store. */
  sessionPool: pg.Pool;
  mail: MailQueue;
  /** Renders a mail in its recipient's language and queues it (mail/mailer.ts). */
  mailer: Mailer;
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
  const boss = overrides.boss ?? createBoss(databaseUrl, { worker: options.worker ?? false });
  const queueOptions = {
    retryDelaySeconds: config.MAIL_RETRY_DELAY_SECONDS,
    retryLimit: config.MAIL_RETRY_LIMIT,
  };
  let started = false;
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const db = overrides.db ?? createDb(databaseUrl, config.DATABASE_POOL_MAX, { logger });
  const clock = overrides.clock ?? systemClock;
  const modules = overrides.modules ?? MODULES;
  const i18n = overrides.i18n ?? createI18n(localesOf(modules));
  const mail = overrides.mail ?? createMailQueue(boss);
  const { cacheBudget, contentCache, userCache, sessionCache, workCache } =
    overrides.cacheBudget &&
    overrides.contentCache &&
    overrides.userCache &&
    overrides.sessionCache &&
    overrides.workCache
      ? {
          cacheBudget: overrides.cacheBudget,
          contentCache: overrides.contentCache,
          userCache: overrides.userCache,
          sessionCache: overrides.sessionCache,
          workCache: overrides.workCache,
        }
      : createCaches({
          listenUrl: databaseUrl,
          enabled: config.CONTENT_CACHE,
          maxBytes: config.CACHE_MAX_BYTES,
          maxAgeSeconds: config.CACHE_MAX_AGE_SECONDS,
          heartbeatSeconds: config.CACHE_HEARTBEAT_SECONDS,
          logger,
          clock,
        });
  const sessionPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    application_name: 'eservices-sessions',
    // While the database is unreachable a request fails within seconds (a 503), not hangs.
    connectionTimeoutMillis: ACQUIRE_TIMEOUT_MS,
  });
  // A database restart or shutdown drops idle connections: log it, never crash the process on it.
  sessionPool.on('error', (error) =>
    logger.warn({ err: error.message }, 'session pool connection lost'),
  );
  // While the database is down the queue fails every poll: the same message at most once a minute.
  const allowQueueLine = createLogThrottle();
  boss.on('error', (error: Error) => {
    const note = allowQueueLine(error.message.slice(0, 200));
    if (note) logger.warn({ err: error.message, ...note }, 'job queue error');
  });
  return {
    config,
    modules,
    db,
    logger,
    clock,
    i18n,
    documents: overrides.documents ?? createDocumentStore(config.UPLOAD_DIR),
    cacheBudget,
    contentCache,
    userCache,
    sessionCache,
    workCache,
    boss,
    sessionPool,
    mail,
    mailer:
      overrides.mailer ??
      createMailer({ config, i18n, mail, templates: emailTemplatesOf(modules) }),
    start: async () => {
      await boss.start();
      await ensureMailQueue(boss, queueOptions);
      started = true;
    },
    close: async () => {
      if (started) await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      await contentCache.close();
      await userCache.close();
      await sessionCache.close();
      await workCache.close();
      await sessionPool.end();
      await db.destroy();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb, type Db } from '../../src/db/knex.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { createServices, type Services } from '../../src/services.ts';
import { createHtmlCollector, validatePages, type RenderedPage } from './html-validation.ts';
import { formsWithoutNotice } from './privacy-notices.ts';
import { TEMPLATE_DB, testDatabaseName, withDatabase } from './database-url.ts';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import type { Clock } from '../../src/lib/clock.ts';

export interface TestContext {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  /** The services the app was built with (for a worker a test starts). */
  services: Services;
  db: Db;
  databaseUrl: string;
  /** Every distinct HTML page the app sent; `close()` validates them all. */
  renderedPages: RenderedPage[];
  close: () => Promise<void>;
}

/** A fresh database (a copy of the migrated template), an upload folder and the app built on them. */
export async function createTestContext(
  env: Record<string, string> = {},
  options: {
    extraFeatures?: Feature[];
    clock?: Clock;
    /** Parts of the app's dependencies built by the test (a logger that keeps its lines, caches behind a proxy). */
    deps?: (databaseUrl: string) => Partial<Deps>;
  } = {},
): Promise<TestContext> {
  const serverUrl = inject('databaseServerUrl');
  const name = testDatabaseName(randomBytes(6).toString('hex'));
  const admin = createDb(serverUrl, 1);
  await admin.raw(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
  await admin.destroy();

  const uploadDir = await mkdtemp(path.join(tmpdir(), 'eservices-test-'));
  const databaseUrl = withDatabase(serverUrl, name);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    UPLOAD_DIR: uploadDir,
    TRUST_PROXY: '1',
    MAIL_RETRY_DELAY_SECONDS: '1',
    ...env,
  });
  const deps = createDeps(config, databaseUrl, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.deps?.(databaseUrl),
  });
  await deps.start();
  const html = createHtmlCollector();
  const services = createServices(deps);
  const app = createApp(deps, {
    extraFeatures: options.extraFeatures,
    services,
    first: [html.middleware],
  });
  return {
    app,
    deps,
    services,
    db: deps.db,
    databaseUrl,
    renderedPages: html.pages,
    close: async () => {
      await deps.close();
      const cleanup = createDb(serverUrl, 1);
      await cleanup.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.destroy();
      await rm(uploadDir, { recursive: true, force: true });
      const problems = [
        ...(await validatePages(html.pages)),
        ...formsWithoutNotice(html.pages),
      ];
      if (problems.length)
        throw new Error(
          `html-validate and the privacy-notice check found ${problems.length} problem(s) in pages this file rendered:\n${problems.slice(0, 40).join('\n')}`,
        );
    },
  };
}

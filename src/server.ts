import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { failureLine } from './cli/run-cli.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { resolveDatabase } from './db/connect.ts';
import { EmbeddedDatabaseError } from './db/embedded.ts';
import { migrateLatest } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { createHttpServer } from './http-server.ts';
import { startConfiguredMailWorker } from './features/mail/start-worker.ts';
import { createServices } from './services.ts';

function readConfig(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const database = await resolveDatabase(config).catch((error: unknown) => {
  if (!(error instanceof EmbeddedDatabaseError)) throw error;
  console.error(failureLine('start', error));
  process.exit(1);
});
const deps = createDeps(config, database.url, {}, { worker: config.RUN_WORKER });
const { logger } = deps;

await migrateLatest(deps.db);
const seedDemo = config.SEED_DEMO_DATA && !config.isProduction;
// The seed (and the PDF library it uses) is loaded only when needed: production never does.
const { seedDemoData, seedReferenceData } = await import('./db/seed.ts');
if (seedDemo) {
  const today = deps.clock.now();
  // Accounts first: a module's demo data may belong to a demo account (a citizen's requests).
  const { seedDemoAccounts } = await import('./db/demo-accounts.ts');
  const accounts = await seedDemoAccounts(deps.db, { production: false, now: today });
  if (accounts.length) logger.info({ accounts }, 'demo accounts created');
  const seeded = await seedDemoData(deps.db, deps.documents, {
    municipality: config.MUNICIPALITY_NAME_EL,
    today,
  });
  if (seeded.length) logger.info({ modules: seeded }, 'demo data loaded');
} else {
  await seedReferenceData(deps.db);
}

await deps.start();
// Every service once, for the worker's jobs and the app alike.
const services = createServices(deps);
// The mail worker runs inside the web process unless RUN_WORKER=false (then run `npm run worker`).
const transport = config.RUN_WORKER ? await startConfiguredMailWorker(deps, services) : undefined;

const app = createApp(deps, { services });
const server = createHttpServer(app).listen(config.PORT, () => {
  const port = (server.address() as AddressInfo).port;
  const url = config.BASE_URL ? config.baseUrl : `http://localhost:${port}`;
  logger.info({ url, embeddedDatabase: !config.DATABASE_URL }, 'portal listening');
  if (!config.isProduction) console.log(whereToLook(url));
});

/** One line for the person who typed `npm start` (production logs stay JSON only). */
function whereToLook(url: string): string {
  const parts = [`Portal: ${url}`];
  if (!config.SMTP_URL) parts.push(`Dev mailbox: ${url}/dev/mailbox`);
  if (seedDemo) parts.push('Demo accounts: see README');
  return parts.join(' · ');
}

/**
 * Stops in the order things depend on each other, so nothing loses its database under it:
 * the HTTP server, then the queue and mail worker and the cache listeners, then the pools
 * (deps.close), then the embedded database.
 */
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const forced = setTimeout(() => process.exit(1), 15_000).unref();
  // Requests in flight get a few seconds to finish; idle keep-alive connections go now.
  const slow = setTimeout(() => server.closeAllConnections(), 5_000).unref();
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearTimeout(slow);
  await deps.close();
  transport?.close();
  await database.stop();
  clearTimeout(forced);
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

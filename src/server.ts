import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { resolveDatabase } from './db/connect.ts';
import { migrateLatest } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { createHttpServer } from './http-server.ts';
import { startConfiguredMailWorker } from './features/mail/start-worker.ts';

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
const database = await resolveDatabase(config);
const deps = createDeps(config, database.url, {}, { worker: config.RUN_WORKER });
const { logger } = deps;

await migrateLatest(deps.db);
// The seed (and the PDF library it uses) is loaded only when needed: production never does.
const { seedDemoData, seedReferenceData } = await import('./db/seed.ts');
if (config.SEED_DEMO_DATA && !config.isProduction) {
  const seeded = await seedDemoData(deps.db, deps.documents, {
    municipality: config.MUNICIPALITY_NAME_EL,
    today: deps.clock.now(),
  });
  if (seeded) logger.info('demo data loaded');
} else {
  await seedReferenceData(deps.db);
}

await deps.start();
// The mail worker runs inside the web process unless RUN_WORKER=false (then run `npm run worker`).
const transport = config.RUN_WORKER ? await startConfiguredMailWorker(deps) : undefined;

const app = createApp(deps);
const server = createHttpServer(app).listen(config.PORT, () => {
  logger.info({ url: config.baseUrl, embeddedDatabase: !config.DATABASE_URL }, 'portal listening');
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const forced = setTimeout(() => process.exit(1), 10_000).unref();
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await deps.close();
  transport?.close();
  await database.stop();
  clearTimeout(forced);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** `npm run worker`: the mail worker alone, for production (web processes then run with RUN_WORKER=false). */
import { ConfigError, loadConfig } from './config.ts';
import { migrateLatest } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { startConfiguredMailWorker } from './features/mail/start-worker.ts';
import { createServices } from './services.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
if (!config.DATABASE_URL) {
  console.error(
    'Invalid setting DATABASE_URL: the worker alone needs the PostgreSQL server the web processes use',
  );
  process.exit(1);
}
const deps = createDeps(config, config.DATABASE_URL, {}, { worker: true });
await migrateLatest(deps.db);
await deps.start();
const transport = await startConfiguredMailWorker(deps, createServices(deps));

/** The queue first (the job in hand finishes), then the transport, then the pools. */
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const forced = setTimeout(() => process.exit(1), 15_000).unref();
  await deps.close();
  transport.close();
  clearTimeout(forced);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

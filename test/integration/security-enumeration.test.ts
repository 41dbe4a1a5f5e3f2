/**
 * Issue 8, item 5: what the registration form and the sign-in, resend and reset answers give
 * away about which accounts exist. The per-address limit comes before the "taken" answers; an
 * email already registered gets the answer a new one gets (its owner is told by email); and
 * the time an answer takes does not depend on whether the account exists or is locked.
 */
import * as cheerio from 'cheerio';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/lib/rate-limit.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import {
  createActiveUser,
  csrfFrom,
  drainMail,
  newAgent,
  postForm,
  validRegistration,
} from '../helpers/accounts.ts';

let ctx: TestContext;
let server: Server;
beforeAll(async () => {
  ctx = await createTestContext();
  server = createServer(ctx.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

const TAKEN = /χρησιμοποιείται ήδη|άλλον ενεργό λογαριασμό|Υπάρχει ήδη λογαριασμός/;

describe('registration', () => {
  it('answers "taken" only within the per-address limit, then refuses without saying', async () => {
    await createActiveUser(ctx.db, 'taken', { phone_e164: '+306900000001' });
    const agent = newAgent(ctx.app);
    const limit = RATE_LIMITS.registerPerIp.limit;
    const answers: { status: number; taken: boolean; tooMany: boolean }[] = [];
    for (let i = 0; i < limit + 3; i += 1) {
      // Probes for a username, then for a phone number, each one otherwise a valid form.
      const probe =
        i % 2 === 0
          ? validRegistration(`p${i}`, { username: 'user.taken' })
          : validRegistration(`p${i}`, { phone: '6900000001' });
      const res = await postForm(agent, '/register', '/register', probe);
      const main = cheerio.load(res.text)('main').text();
      answers.push({
        status: res.status,
        taken: TAKEN.test(main),
        tooMany: main.includes('πολλές εγγραφές'),
      });
    }
    expect(answers.filter((a) => a.taken).length).toBeLessThanOrEqual(limit);
    const last = answers.at(-1)!;
    expect(last).toEqual({ status: 429, taken: false, tooMany: true });
    expect(await ctx.db('users').where('username', 'like', 'maria.p%').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('gives an address already registered the answer a new one gets, and tells its owner', async () => {
    await createActiveUser(ctx.db, 'owner');
    await drainMail(ctx.deps);
    const fresh = await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(1));
    const existing = await postForm(
      newAgent(ctx.app),
      '/register',
      '/register',
      validRegistration(2, { email: 'User.Owner@example.gr' }),
    );
    expect(existing.status).toBe(fresh.status);
    expect(existing.headers.location).toBe(fresh.headers.location);
    expect(existing.headers.location).toBe('/register/check-email');
    // No second account with that address: the owner's account is left as it was.
    expect(await ctx.db('users').where({ username: 'maria.2' }).first()).toBeUndefined();
    const mails = await drainMail(ctx.deps);
    expect(mails.map((m) => m.to).sort()).toEqual(['maria.1@example.gr', 'user.owner@example.gr']);
    const notice = mails.find((m) => m.to === 'user.owner@example.gr')!;
    // The owner hears of it, with their username and the ways back in, and no activation link.
    expect(notice.text).toContain('user.owner');
    expect(notice.text).toContain('/password-reset');
    expect(notice.text).not.toContain('/activate/');
    expect(notice.text).toMatch(/αγνοήστε/);
  });
});

// ---- timing -------------------------------------------------------------------------------

/** Tries per variant; on a noisy machine the sampling goes on, 200 tries at a time, up to 600. */
const ROUNDS = 200;
const MAX_ROUNDS = 600;
const WARM_UP = 10;

let ipCounter = 0;
/** Each try from an address of its own, so the per-address limits never step in. */
function nextIp(): string {
  ipCounter += 1;
  return `10.99.${Math.floor(ipCounter / 250) % 250}.${ipCounter % 250}`;
}

/** A form's poster: the CSRF token is fetched once (untimed); each POST is timed. */
async function formPoster(path: string) {
  const agent = request.agent(server);
  const _csrf = await csrfFrom(agent, path);
  return async (fields: Record<string, string>) => {
    const started = performance.now();
    const res = await agent
      .post(path)
      .set('X-Forwarded-For', nextIp())
      .type('form')
      .send({ ...fields, _csrf });
    return { status: res.status, ms: performance.now() - started };
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

interface Variant {
  name: string;
  /** Untimed set-up before each try (e.g. forgetting failures, so every try takes the same path). */
  before?: () => Promise<void>;
  run: (round: number) => Promise<{ status: number; ms: number }>;
  status: number;
}

async function forgetCounters(prefix: string): Promise<void> {
  await ctx.db('rate_limits').whereLike('key', `${prefix}%`).delete();
}

/** The median of the round-by-round differences between two variants' times. */
function medianDifference(times: Record<string, number[]>, a: string, b: string): number {
  return median(times[a]!.map((ms, i) => ms - times[b]![i]!));
}

/**
 * Times the variants interleaved, each round in a new random order (a slow moment of a loaded
 * machine falls on all of them alike), and expects the median of the round-by-round differences
 * of every two variants to be under 5 ms: the rounds pair tries made moments apart, so a load
 * that comes and goes cancels out. After 200 rounds a difference of 5 ms or more may still be
 * the machine's noise: the rounds go on, 200 at a time, to 600, and the verdict is over them all.
 * A real difference (an answer that skips work) stays whatever the number of rounds.
 */
async function expectSameTime(variants: Variant[]): Promise<void> {
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  const pairs = variants.flatMap((a, i) => variants.slice(i + 1).map((b) => [a.name, b.name]));
  let round = -WARM_UP;
  for (let target = ROUNDS; target <= MAX_ROUNDS; target += ROUNDS) {
    for (; round < target; round += 1) {
      for (const variant of shuffled(variants)) {
        await variant.before?.();
        const { status, ms } = await variant.run(round + WARM_UP);
        expect(status, `${variant.name} (round ${round})`).toBe(variant.status);
        if (round >= 0) times[variant.name]!.push(ms);
      }
    }
    if (pairs.every(([a, b]) => Math.abs(medianDifference(times, a!, b!)) < 5)) break;
  }
  const medians = Object.fromEntries(variants.map((v) => [v.name, median(times[v.name]!)]));
  console.log(`${round} rounds; medians (ms)`, JSON.stringify(medians));
  for (const [a, b] of pairs) {
    const difference = medianDifference(times, a!, b!);
    console.log(`${a} - ${b}: median difference ${difference.toFixed(2)} ms`);
    expect(Math.abs(difference), `${a} vs ${b}: ${JSON.stringify(medians)}`).toBeLessThan(5);
  }
}

describe('answers take the same time whether or not the account exists', () => {
  it(
    'sign-in: a locked account, a wrong password and a name nobody has',
    { timeout: 900_000 },
    async () => {
      const locked = await createActiveUser(ctx.db, 'locked');
      const wrong = await createActiveUser(ctx.db, 'wrong');
      const wrongKeys = [`name:${wrong.username}`, `account:${wrong.id}`];
      const post = {
        locked: await formPoster('/login'),
        wrong: await formPoster('/login'),
        unknown: await formPoster('/login'),
      };
      // Five wrong passwords lock the account; the lock is then made to outlast the test.
      for (let i = 0; i < 5; i += 1)
        await post.locked({ login: locked.username, password: 'not the password' });
      await ctx
        .db('sign_in_failures')
        .whereIn('key', [`name:${locked.username}`, `account:${locked.id}`])
        .update({ locked_until: new Date(Date.now() + 3 * 3600_000) });

      await expectSameTime([
        {
          name: 'locked',
          run: () => post.locked({ login: locked.username, password: 'not the password' }),
          status: 429,
        },
        {
          name: 'wrong password',
          before: async () => {
            await ctx.db('sign_in_failures').whereIn('key', wrongKeys).delete();
          },
          run: () => post.wrong({ login: wrong.username, password: 'not the password' }),
          status: 401,
        },
        {
          name: 'unknown',
          run: (round) => post.unknown({ login: `nobody.${round}`, password: 'not the password' }),
          status: 401,
        },
      ]);
    },
  );

  it(
    'resending activation: a pending account and an address nobody has',
    { timeout: 900_000 },
    async () => {
      await createActiveUser(ctx.db, 'pending', { status: 'pending', activated_at: null });
      const post = {
        pending: await formPoster('/activate/resend'),
        unknown: await formPoster('/activate/resend'),
      };
      await expectSameTime([
        {
          name: 'pending',
          // Each try finds the account's own limit (3 an hour) fresh, so it takes the whole path.
          before: () => forgetCounters('resend:account:'),
          run: () => post.pending({ email: 'user.pending@example.gr' }),
          status: 303,
        },
        {
          name: 'unknown',
          run: (round) => post.unknown({ email: `nobody.${round}@example.gr` }),
          status: 303,
        },
      ]);
      // The requests were real: the pending account gets its mails (as many as an hour allows).
      expect(
        (await drainMail(ctx.deps)).filter((m) => m.to === 'user.pending@example.gr').length,
      ).toBe(RATE_LIMITS.resendPerAccount.limit);
    },
  );

  it(
    'password reset: an active account and an address nobody has',
    { timeout: 900_000 },
    async () => {
      await createActiveUser(ctx.db, 'reset');
      const post = {
        active: await formPoster('/password-reset'),
        unknown: await formPoster('/password-reset'),
      };
      await expectSameTime([
        {
          name: 'active',
          before: () => forgetCounters('reset:account:'),
          run: () => post.active({ email: 'user.reset@example.gr' }),
          status: 303,
        },
        {
          name: 'unknown',
          run: (round) => post.unknown({ email: `nobody.${round}@example.gr` }),
          status: 303,
        },
      ]);
      expect(
        (await drainMail(ctx.deps)).filter((m) => m.to === 'user.reset@example.gr').length,
      ).toBe(RATE_LIMITS.resetPerAccount.limit);
    },
  );
});

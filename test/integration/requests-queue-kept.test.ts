import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, postForm, signIn, type Agent } from '../helpers/accounts.ts';
import { countRenders, untilKept, untilListening, untilShown } from '../helpers/caches.ts';
import { departmentId, insertRequest } from '../helpers/requests.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { createCaches } from '../../src/lib/caches.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createNotifiedCache } from '../../src/lib/content-cache.ts';
import { createLogger } from '../../src/lib/logger.ts';

/**
 * The handlers' queue is kept rendered per session, language, URL and Athens day (keptPages,
 * personal-pages.ts) in the work cache: answered from memory until a write to what it shows
 * announces itself (NOTIFY work_changed), and only ever to the session it was made for.
 */
let ctx: TestContext;
let renders: () => number;
let now = new Date('2026-11-26T08:00:00Z');
let technical: { agent: Agent; id: number };
let cleaning: { agent: Agent; id: number };
let citizenId: number;
const QUEUE = '/staff/requests?status=submitted';

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
  renders = countRenders(ctx.app);
  technical = await signedInStaff(ctx.app, ctx.db, ['handler']);
  cleaning = await signedInStaff(ctx.app, ctx.db, ['handler']);
  await ctx.db('department_handlers').insert([
    { department_id: await departmentId(ctx.db, 'technical'), user_id: technical.id },
    { department_id: await departmentId(ctx.db, 'cleaning'), user_id: cleaning.id },
  ]);
  citizenId = (await createActiveUser(ctx.db, 'kept-queue-citizen')).id;
  await insertRequest(ctx.db, citizenId, 'pothole', { title: 'Λακκούβα στη γέφυρα' });
  await insertRequest(ctx.db, citizenId, 'waste-collection', { title: 'Γεμάτοι κάδοι' });
  for (const cache of [ctx.deps.workCache, ctx.deps.userCache, ctx.deps.sessionCache])
    await untilListening(cache);
});
afterAll(() => ctx.close());

const titles = (html: string) =>
  cheerio
    .load(html)('table tbody tr')
    .map((_i, row) => cheerio.load(row).text())
    .get()
    .join(' ');

describe('the handlers’ queue kept rendered', () => {
  it('is answered from memory, to its own session only, and as staff pages are (no-store)', async () => {
    const first = await untilKept(technical.agent, QUEUE, renders);
    expect(first.status).toBe(200);
    const before = renders();
    const again = await technical.agent.get(QUEUE);
    expect(renders()).toBe(before);
    expect(again.text).toBe(first.text);
    expect(again.headers['cache-control']).toBe('no-store');
    expect(again.headers['content-security-policy']).toBeTruthy();
    expect(titles(again.text)).toContain('Λακκούβα στη γέφυρα');
    expect(titles(again.text)).not.toContain('Γεμάτοι κάδοι');
    // The other department's handler, at the same address, gets their own queue.
    const theirs = await cleaning.agent.get(QUEUE);
    expect(titles(theirs.text)).toContain('Γεμάτοι κάδοι');
    expect(titles(theirs.text)).not.toContain('Λακκούβα');
    // A citizen at the same address is refused, as ever.
    const citizen = newAgent(ctx.app);
    const user = await createActiveUser(ctx.db, 'kept-queue-other');
    await signIn(citizen, user.username, user.password);
    expect((await citizen.get(QUEUE)).status).toBe(403);
  });

  it('shows a request filed elsewhere once its NOTIFY arrives', async () => {
    await untilKept(technical.agent, QUEUE, renders);
    // Written by another process: only the notification can tell this one.
    await insertRequest(ctx.db, citizenId, 'light-out', { title: 'Σβηστή λάμπα στην πλατεία' });
    await untilShown(technical.agent, QUEUE, 'Σβηστή λάμπα στην πλατεία');
  });

  it('is not answered after sign-out', async () => {
    await untilKept(technical.agent, QUEUE, renders);
    const out = await postForm(technical.agent, QUEUE, '/logout', {});
    expect(out.status).toBe(303);
    const res = await technical.agent.get(QUEUE);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('follows the day and who handles what: overdue comes with the date, a handler moved out sees nothing', async () => {
    // 23:59:20 in Athens; the request is due today, so not overdue yet.
    now = new Date('2026-11-26T21:59:20Z');
    const late = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert({
      department_id: await departmentId(ctx.db, 'cleaning'),
      user_id: late.id,
    });
    await insertRequest(ctx.db, citizenId, 'waste-collection', {
      title: 'Κάδοι που λήγουν',
      due_date: '2026-11-26',
    });
    const shown = await untilShown(late.agent, QUEUE, 'Κάδοι που λήγουν');
    expect(cheerio.load(shown.text)('.app-overdue').length).toBe(0);
    await untilKept(late.agent, QUEUE, renders);
    // Forty seconds on (the session is not due to be extended), the next day: the same address
    // is a new page, with the request overdue.
    now = new Date('2026-11-26T22:00:00Z');
    const later = await late.agent.get(QUEUE);
    expect(titles(later.text)).toContain('Κάδοι που λήγουν');
    expect(cheerio.load(later.text)('.app-overdue').length).toBeGreaterThan(0);
    await ctx.db('department_handlers').where({ user_id: late.id }).del();
    await untilShown(late.agent, '/staff/requests', 'καμία υπηρεσία');
  });
});

describe('the public list kept rendered for anonymous visitors', () => {
  it('is rendered once, answered from memory, and shows a newly public request after NOTIFY work_changed', async () => {
    await insertRequest(ctx.db, citizenId, 'pothole', {
      title: 'Δημόσια λακκούβα',
      public: true,
    });
    const anonymous = newAgent(ctx.app);
    await untilShown(anonymous, '/requests/public', 'Δημόσια λακκούβα');
    const kept = await untilKept(anonymous, '/requests/public', renders);
    expect(kept.headers['set-cookie']).toBeUndefined();
    expect(kept.headers.etag).toBeTruthy();
    const before = renders();
    await anonymous.get('/requests/public');
    expect(renders()).toBe(before);
    await insertRequest(ctx.db, citizenId, 'light-out', {
      title: 'Δημόσια σβηστή λάμπα',
      public: true,
    });
    await untilShown(anonymous, '/requests/public', 'Δημόσια σβηστή λάμπα');
  });
});

describe('a handler’s own change', () => {
  let own: TestContext;
  let ownRenders: () => number;

  beforeAll(async () => {
    // The work cache here listens on a channel nobody uses: what the handler does shows at once
    // all the same, as their action changes their session (its notice), which the page is tied to.
    own = await createTestContext(
      {},
      {
        deps: (databaseUrl) => {
          const options = {
            listenUrl: databaseUrl,
            maxBytes: 32 * 1024 * 1024,
            maxAgeSeconds: 300,
            heartbeatSeconds: 30,
            logger: createLogger('silent'),
            clock: systemClock,
          };
          const caches = createCaches(options);
          void caches.workCache.close();
          const workCache = createNotifiedCache(databaseUrl, {
            channel: 'kept_queue_test_silence',
            budget: caches.cacheBudget,
            maxAgeMs: 300_000,
            heartbeatMs: 30_000,
            logger: options.logger,
            clock: systemClock,
          });
          return { ...caches, workCache };
        },
      },
    );
    ownRenders = countRenders(own.app);
  });
  afterAll(() => own.close());

  it('shows on the handler’s next view at once, without waiting for NOTIFY', async () => {
    const handler = await signedInStaff(own.app, own.db, ['handler']);
    await own.db('department_handlers').insert({
      department_id: await departmentId(own.db, 'technical'),
      user_id: handler.id,
    });
    const filer = (await createActiveUser(own.db, 'kept-queue-own')).id;
    const { url } = await insertRequest(own.db, filer, 'pothole', { title: 'Λακκούβα εδώ' });
    for (const cache of [own.deps.workCache, own.deps.userCache, own.deps.sessionCache])
      await untilListening(cache);
    const kept = await untilKept(handler.agent, QUEUE, ownRenders);
    const ref = `/staff/requests/${url}`;
    expect(kept.text).toContain(`href="${ref}"`);
    const res = await postForm(handler.agent, ref, `${ref}/status`, {
      status: 'in_progress',
      publicNote: 'Το συνεργείο είναι καθ’ οδόν.',
      internalNote: '',
    });
    expect(res.status).toBe(303);
    const after = await handler.agent.get(QUEUE);
    expect(after.text).not.toContain(`href="${ref}"`);
  });
});

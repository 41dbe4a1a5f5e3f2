import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, formTokens, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { createDecision } from '../helpers/factories.ts';
import { untilListening } from '../helpers/caches.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * Public pages as a signed-in citizen sees them are kept per session (personal-pages.ts): the
 * second view of the hub is answered from memory, and only ever to that session, in the state
 * its session and account were in when it was made.
 */
let ctx: TestContext;
let renders = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  const render = ctx.app.render.bind(ctx.app);
  ctx.app.render = ((...args: Parameters<typeof render>) => {
    renders += 1;
    render(...args);
  }) as typeof ctx.app.render;
  await createDecision(ctx.db, { subject: 'Πρώτη απόφαση' });
  for (const cache of [ctx.deps.contentCache, ctx.deps.userCache, ctx.deps.sessionCache])
    await untilListening(cache);
});
afterAll(() => ctx.close());

let n = 0;
async function citizen(): Promise<{ agent: Agent; id: number; cookie: string }> {
  n += 1;
  const user = await createActiveUser(ctx.db, `personal${n}`);
  const agent = newAgent(ctx.app);
  const res = await signIn(agent, user.username, user.password);
  expect(res.status).toBe(303);
  const cookie = (res.headers['set-cookie'] as unknown as string[])
    .map((c) => c.split(';')[0])
    .join('; ');
  return { agent, id: user.id, cookie };
}

/** The sign-out form's token: whose page this is (each session has its own), or '' when anonymous. */
const owner = (html: string) =>
  cheerio.load(html)('form[action="/logout"] input[name="_csrf"]').attr('value') ?? '';
const staffLink = (html: string) => cheerio.load(html)('header a[href="/staff"]').length;

describe('public pages kept for a signed-in session', () => {
  it('renders the hub once per session and answers it from memory to that session only', async () => {
    const a = await citizen();
    const b = await citizen();
    const first = await a.agent.get('/');
    expect(first.status).toBe(200);
    const aToken = owner(first.text);
    expect(aToken).not.toBe('');
    // The first views store the session's form token and load it afresh (its own NOTIFY, which
    // may come a moment later, drops it): within a few views the page is kept.
    for (let view = 0, rendered = 1; rendered > 0; view += 1) {
      expect(view).toBeLessThan(10);
      const was = renders;
      await a.agent.get('/');
      rendered = renders - was;
      if (rendered) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = renders;
    const second = await a.agent.get('/');
    const third = await a.agent.get('/');
    expect(renders - before).toBe(0);
    expect(second.text).toBe(third.text);
    expect(owner(second.text)).toBe(aToken);
    // Never kept by a browser or proxy; no nonce left for an injected script to reuse.
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.headers.vary).toContain('Cookie');
    expect(second.headers.etag).toBeUndefined();
    expect(second.headers['content-security-policy']).not.toContain('nonce-');
    expect(second.headers['x-request-id']).toBeTruthy();
    // The other citizen gets their own page, never the first one's.
    const theirs = await b.agent.get('/');
    expect(owner(theirs.text)).not.toBe('');
    expect(owner(theirs.text)).not.toBe(aToken);
    expect(theirs.text).not.toContain(aToken);
    // Anonymous visitors and a forged cookie get the public page.
    for (const res of [
      await request(ctx.app).get('/'),
      await request(ctx.app)
        .get('/')
        .set('Cookie', a.cookie.replace(/\.[^.;]+/, '.forged')),
    ]) {
      expect(res.status).toBe(200);
      expect(owner(res.text)).toBe('');
      expect(res.text).not.toContain(aToken);
    }
  });

  it('is made again when the account changes, and not while a change goes unannounced', async () => {
    const a = await citizen();
    await a.agent.get('/');
    await a.agent.get('/');
    await ctx.db.raw('ALTER TABLE users DISABLE TRIGGER users_notify_changed');
    try {
      await ctx
        .db('users')
        .where({ id: a.id })
        .update({ roles: ['editor'] });
    } finally {
      await ctx.db.raw('ALTER TABLE users ENABLE TRIGGER users_notify_changed');
    }
    // The page is kept in memory: a change PostgreSQL did not announce is not seen.
    expect(staffLink((await a.agent.get('/')).text)).toBe(0);
    await ctx
      .db('users')
      .where({ id: a.id })
      .update({ roles: ['editor', 'clerk'] });
    await expect.poll(async () => staffLink((await a.agent.get('/')).text)).toBe(1);
  });

  it('is not answered after sign-out, nor after the password changed elsewhere', async () => {
    const a = await citizen();
    const token = owner((await a.agent.get('/')).text);
    expect(owner((await request(ctx.app).get('/').set('Cookie', a.cookie)).text)).toBe(token);
    const tokens = await formTokens(a.agent, '/account', '/logout');
    expect((await a.agent.post('/logout').type('form').send(tokens)).status).toBe(303);
    const after = await request(ctx.app).get('/').set('Cookie', a.cookie);
    expect(after.status).toBe(200);
    expect(owner(after.text)).toBe('');

    const b = await citizen();
    await b.agent.get('/');
    expect(owner((await b.agent.get('/')).text)).not.toBe('');
    await ctx.db('users').where({ id: b.id }).increment('credential_version', 1);
    await expect.poll(async () => owner((await b.agent.get('/')).text)).toBe('');
  });

  it('shows a waiting message once, and new content at once', async () => {
    const a = await citizen();
    await a.agent.get('/');
    await a.agent.get('/');
    // A message stored in the session by another process (NOTIFY sessions_changed reaches this one).
    const sid = decodeURIComponent(/sid=s:([^.;]+)/.exec(decodeURIComponent(a.cookie))![1]!);
    await ctx.db.raw(
      `UPDATE session SET sess = jsonb_set(sess::jsonb, '{flash}', '{"key":"staff.users.rolesSaved"}')::json WHERE sid = ?`,
      [sid],
    );
    await expect
      .poll(async () =>
        cheerio
          .load((await a.agent.get('/')).text)('.govuk-notification-banner')
          .text(),
      )
      .not.toBe('');
    expect(
      cheerio
        .load((await a.agent.get('/')).text)('.govuk-notification-banner')
        .text(),
    ).toBe('');
    await createDecision(ctx.db, { subject: 'Νεότερη απόφαση για τον φωτισμό' });
    await expect
      .poll(async () => (await a.agent.get('/')).text)
      .toContain('Νεότερη απόφαση για τον φωτισμό');
  });

  it('counts kept pages against the shared cache budget', async () => {
    const a = await citizen();
    const used = ctx.deps.cacheBudget.usedBytes;
    await a.agent.get('/');
    await a.agent.get('/decisions');
    expect(ctx.deps.cacheBudget.usedBytes).toBeGreaterThan(used + 2000);
  });
});

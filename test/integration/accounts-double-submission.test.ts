import * as cheerio from 'cheerio';
import express from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  onceOnlySubmission,
  pruneFormSubmissions,
} from '../../src/middleware/once-only-submission.ts';
import {
  createActiveUser,
  drainMail,
  formTokens,
  newAgent,
  signIn,
  validRegistration,
} from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const count = async (table: string, where: Record<string, unknown>) =>
  Number(((await ctx.db(table).where(where).count({ n: '*' }).first()) as { n: number }).n);

describe('a form sent twice at once', () => {
  it('registers one account, queues one email, and sends both answers to the same page', async () => {
    const agent = newAgent(ctx.app);
    const tokens = await formTokens(agent, '/register', '/register');
    const fields = { ...validRegistration(801), ...tokens };
    const [first, second] = await Promise.all([
      agent.post('/register').type('form').send(fields),
      agent.post('/register').type('form').send(fields),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.headers.location).toBe('/register/check-email');
    expect(second.headers.location).toBe('/register/check-email');
    expect(await count('users', { username: 'maria.801' })).toBe(1);
    const mails = await drainMail(ctx.deps);
    expect(mails.map((mail) => mail.to)).toEqual(['maria.801@example.gr']);
    // Whichever answer the browser follows, the page after it still knows the address.
    const page = cheerio.load((await agent.get('/register/check-email')).text);
    expect(page('.govuk-panel__body').text()).toContain('maria.801@example.gr');
  });

  it('sets one new PIN and sends one email, and the page after shows that PIN once', async () => {
    const user = await createActiveUser(ctx.db, 'd1');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    await drainMail(ctx.deps);
    const tokens = await formTokens(agent, '/account', '/account/pin');
    const [first, second] = await Promise.all([
      agent.post('/account/pin').type('form').send(tokens),
      agent.post('/account/pin').type('form').send(tokens),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.headers.location).toBe('/account/pin');
    expect(second.headers.location).toBe('/account/pin');
    expect(await count('audit_log', { user_id: user.id, action: 'account.pin_changed' })).toBe(1);
    const mails = await drainMail(ctx.deps);
    expect(mails).toHaveLength(1);
    const shown = await agent.get('/account/pin');
    expect(shown.headers['cache-control']).toBe('no-store');
    const pin = cheerio.load(shown.text)('.app-pin').text();
    expect(pin).toMatch(/^\d{6}$/);
    expect(mails[0]!.text).toContain(pin);
    // Shown once: the same address now leads back to the account page without it.
    const again = await agent.get('/account/pin');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/account');
  });

  it('frees the id of a form answered with errors, so the corrected form goes through', async () => {
    const agent = newAgent(ctx.app);
    const tokens = await formTokens(agent, '/register', '/register');
    const wrong = await agent
      .post('/register')
      .type('form')
      .send({ ...validRegistration(802, { email: 'not an email' }), ...tokens });
    expect(wrong.status).toBe(400);
    const corrected = await agent
      .post('/register')
      .type('form')
      .send({ ...validRegistration(802), ...tokens });
    expect(corrected.status).toBe(303);
    expect(await count('users', { username: 'maria.802' })).toBe(1);
    await drainMail(ctx.deps);
  });

  it('keeps working for a form without a submission id', async () => {
    const agent = newAgent(ctx.app);
    const { _csrf } = await formTokens(agent, '/register', '/register');
    const res = await agent
      .post('/register')
      .type('form')
      .send({ ...validRegistration(803), _csrf });
    expect(res.status).toBe(303);
    expect(await count('users', { username: 'maria.803' })).toBe(1);
    await drainMail(ctx.deps);
  });

  it('gives every form on a page its own id', async () => {
    const user = await createActiveUser(ctx.db, 'd2');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const $ = cheerio.load((await agent.get('/account')).text);
    const ids = $('form[method="post"]')
      .map((_i, form) => $(form).find('input[name="_submission"]').attr('value'))
      .get();
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers a duplicate 409 when the first takes too long, and lets another session through', async () => {
    // The guard alone in a bare app, with a form whose first answer takes a second.
    let runs = 0;
    const app = express()
      .use(express.urlencoded({ extended: false }))
      .use((req, _res, next) => {
        const sid = String(req.headers['x-session']);
        Object.assign(req, { sessionID: sid, session: { id: sid } });
        next();
      })
      .use(onceOnlySubmission({ db: ctx.db, logger: ctx.deps.logger, waitMs: 300, pollMs: 50 }))
      .post('/slow', async (_req, res) => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        res.redirect(303, '/done');
      })
      .use(((err: { status?: number }, _req, res, _next) => {
        res.status(err.status ?? 500).end();
      }) as express.ErrorRequestHandler);
    const form = { _submission: randomUUID() };
    const post = (session: string) =>
      request(app).post('/slow').set('X-Session', session).type('form').send(form);
    const [first, duplicate, otherSession] = await Promise.all([
      post('a'),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => post('a')),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => post('b')),
    ]);
    expect(first.status).toBe(303);
    expect(duplicate.status).toBe(409);
    expect(otherSession.status).toBe(303);
    expect(runs).toBe(2);
  });

  it('forgets submission ids older than a day (the hourly maintenance job)', async () => {
    const old = '00000000-0000-4000-8000-000000000001';
    const recent = '00000000-0000-4000-8000-000000000002';
    await ctx.db('form_submissions').insert([
      { id: old, session_id: 's', created_at: new Date(Date.now() - 2 * 86_400_000) },
      { id: recent, session_id: 's', created_at: new Date() },
    ]);
    await pruneFormSubmissions(ctx.db, { now: () => new Date() });
    const ids = (await ctx
      .db('form_submissions')
      .whereIn('id', [old, recent])
      .pluck('id')) as string[];
    expect(ids).toEqual([recent]);
  });
});

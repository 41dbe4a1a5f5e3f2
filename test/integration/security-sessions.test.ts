import * as cheerio from 'cheerio';
import express, { Router, type Request, type Response } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { requireCitizen } from '../../src/middleware/auth.ts';
import { csrfProtection } from '../../src/middleware/csrf.ts';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * A page whose request is still running while the password changes elsewhere, and which changes
 * its session (as the once-a-minute keep-alive does): express-session saves it when it ends, and
 * connect-pg-simple writes the row back even though the change deleted it.
 */
let holdNext: { entered: () => void; released: Promise<void> } | undefined;
const inFlight: Feature = {
  router: Router().get('/in-flight', requireCitizen, async (req: Request, res: Response) => {
    req.session.lastSeen = Date.now();
    const hold = holdNext;
    holdNext = undefined;
    if (hold) {
      hold.entered();
      await hold.released;
    }
    res.send('done');
  }),
};

/** Starts `/in-flight` on `agent` and resolves once it is inside the route; `finish` lets it end. */
async function startInFlight(agent: Agent) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const entered = new Promise<void>((resolve) => (holdNext = { entered: resolve, released }));
  const response = agent.get('/in-flight').then((res) => res);
  await entered;
  return {
    finish: async () => {
      release();
      return response;
    },
  };
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({}, { extraFeatures: [inFlight] });
});
afterAll(() => ctx.close());

const sessionRows = async () =>
  Number(((await ctx.db('session').count({ n: '*' }).first()) as { n: number }).n);
const sessionsOf = async (userId: number) =>
  Number(
    (
      (await ctx
        .db('session')
        .whereRaw(`(sess->'passport'->>'user') = ?`, [String(userId)])
        .count({ n: '*' })
        .first()) as { n: number }
    ).n,
  );

const NEW_PASSWORD = 'πράσινα κύματα στο λιμάνι';

/** The link in the newest mail sent to `to` (the queue is emptied). */
async function linkSentTo(to: string, path: string): Promise<string> {
  const mail = (await drainMail(ctx.deps)).filter((m) => m.to === to).at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  return linkIn(mail, path);
}

describe('a credential change ends the other sessions, even one saved back by a request in flight', () => {
  it('password changed on the account page: the other session is signed out, this one stays', async () => {
    const user = await createActiveUser(ctx.db, 'cv1');
    const here = newAgent(ctx.app);
    const elsewhere = newAgent(ctx.app);
    await signIn(here, user.username, user.password);
    await signIn(elsewhere, user.username, user.password);
    expect((await elsewhere.get('/account')).status).toBe(200);

    const request = await startInFlight(elsewhere);
    const changed = await postForm(here, '/account', '/account/password', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(changed.status).toBe(303);
    expect((await request.finish()).status).toBe(200);
    // The store wrote the other session back: the deletion alone no longer protects.
    expect(await sessionsOf(user.id)).toBe(2);

    const next = await elsewhere.get('/account');
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe('/login?next=%2Faccount');
    expect(await sessionsOf(user.id)).toBe(1);
    // The session that made the change is still signed in, on this and later pages.
    expect((await here.get('/account')).status).toBe(200);
    expect((await here.get('/account')).status).toBe(200);
    await drainMail(ctx.deps);
  });

  it('password reset from an emailed link: every session is signed out, a saved-back one too', async () => {
    const user = await createActiveUser(ctx.db, 'cv2');
    const email = 'user.cv2@example.gr';
    const signedIn = newAgent(ctx.app);
    await signIn(signedIn, user.username, user.password);
    await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email,
    });
    const link = await linkSentTo(email, '/password-reset');

    const request = await startInFlight(signedIn);
    const reset = await postForm(newAgent(ctx.app), link, link, {
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(reset.status).toBe(303);
    await request.finish();
    expect(await sessionsOf(user.id)).toBe(1);

    expect((await signedIn.get('/account')).status).toBe(303);
    expect(await sessionsOf(user.id)).toBe(0);
    await drainMail(ctx.deps);
  });

  it('staff disabled by an admin stay signed out after being enabled again', async () => {
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    const clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    const page = `/staff/users/${clerk.id}`;
    const request = await startInFlight(clerk.agent);
    // The confirmation page's form (it carries confirm=yes).
    expect((await postForm(admin.agent, `${page}/disable`, `${page}/disable`, {})).status).toBe(
      303,
    );
    await request.finish();
    expect((await postForm(admin.agent, page, `${page}/enable`, {})).status).toBe(303);
    expect((await clerk.agent.get('/staff')).status).toBe(303);
    // Signing in again works as before.
    const again = newAgent(ctx.app);
    expect((await signIn(again, clerk.username, STAFF_PASSWORD)).status).toBe(303);
    expect((await again.get('/staff')).status).toBe(200);
  });
});

describe('a reset link after the password changed another way', () => {
  it('stops working once the password is changed on the account page', async () => {
    const user = await createActiveUser(ctx.db, 'rl1');
    const email = 'user.rl1@example.gr';
    await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email,
    });
    const link = await linkSentTo(email, '/password-reset');
    expect((await newAgent(ctx.app).get(link)).status).toBe(200);

    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const changed = await postForm(agent, '/account', '/account/password', {
      currentPassword: user.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    });
    expect(changed.status).toBe(303);

    const anonymous = newAgent(ctx.app);
    expect((await anonymous.get(link)).status).toBe(410);
    const _csrf = await csrfFrom(anonymous, '/password-reset');
    const posted = await anonymous.post(link).type('form').send({
      _csrf,
      password: 'κάποιος άλλος κωδικός εδώ',
      passwordConfirm: 'κάποιος άλλος κωδικός εδώ',
    });
    expect(posted.status).toBe(410);
    expect((await signIn(newAgent(ctx.app), user.username, NEW_PASSWORD)).status).toBe(303);
    await drainMail(ctx.deps);
  });

  it('stops working once the account has a new email address', async () => {
    const user = await createActiveUser(ctx.db, 'rl2');
    const email = 'user.rl2@example.gr';
    await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email,
    });
    const link = await linkSentTo(email, '/password-reset');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    await postForm(agent, '/account', '/account/email', { email: 'rl2.new@example.gr' });
    const confirm = await linkSentTo('rl2.new@example.gr', '/account/email');
    expect((await postForm(agent, confirm, confirm, {})).status).toBe(303);
    expect((await newAgent(ctx.app).get(link)).status).toBe(410);
    await drainMail(ctx.deps);
  });
});

describe('anonymous forms carry a signed double-submit token, not a session', () => {
  it('100 views of each form shown without sign-in leave the sessions table unchanged', async () => {
    const user = await createActiveUser(ctx.db, 'ds1');
    await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email: 'user.ds1@example.gr',
    });
    const resetLink = await linkSentTo('user.ds1@example.gr', '/password-reset');
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    await postForm(admin.agent, '/staff/users/new', '/staff/users/new', {
      fullName: 'Νέα Υπάλληλος',
      username: 'new.colleague.ds1',
      email: 'new.colleague.ds1@example.gov.gr',
      roles: 'editor',
    });
    const inviteLink = await linkSentTo('new.colleague.ds1@example.gov.gr', '/invite');
    const forms = [
      '/login',
      '/login?next=%2Faccount',
      '/register',
      '/password-reset',
      resetLink,
      '/activate/resend',
      inviteLink,
    ];
    const before = await sessionRows();
    const returning = newAgent(ctx.app);
    // Half as first visits (no cookie), half by a visitor who comes back with its CSRF cookie.
    for (const path of forms) {
      for (let batch = 0; batch < 10; batch += 1) {
        const views = await Promise.all(
          Array.from({ length: 10 }, (_v, i) => (i % 2 ? returning : request(ctx.app)).get(path)),
        );
        for (const res of views) {
          expect(res.status).toBe(200);
          expect(cheerio.load(res.text)('input[name="_csrf"]').attr('value')).toBeTruthy();
        }
      }
    }
    expect(await sessionRows()).toBe(before);
    expect(user.id).toBeGreaterThan(0);
  }, 120_000);

  it('signs in from the form (keeping the way back) and only then writes one session', async () => {
    const user = await createActiveUser(ctx.db, 'ds2');
    const agent = newAgent(ctx.app);
    const before = await sessionRows();
    const form = await agent.get('/login?next=%2Faccount');
    const cookie = ([] as string[])
      .concat((form.headers['set-cookie'] as string[] | undefined) ?? [])
      .find((c) => c.startsWith('csrf='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const $ = cheerio.load(form.text);
    const res = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: $('input[name="_csrf"]').attr('value'),
        next: $('input[name="next"]').attr('value'),
        login: user.username,
        password: user.password,
      });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
    expect(await sessionRows()).toBe(before + 1);
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('refuses a sign-in with a missing, forged or another visitor’s token with the friendly page', async () => {
    const user = await createActiveUser(ctx.db, 'ds3');
    const visitor = newAgent(ctx.app);
    const other = newAgent(ctx.app);
    const mine = await csrfFrom(visitor, '/login');
    const theirs = await csrfFrom(other, '/login');
    const fields = { login: user.username, password: user.password };
    const attempts = [
      visitor.post('/login').type('form').send(fields),
      visitor
        .post('/login')
        .type('form')
        .send({ ...fields, _csrf: `${mine.slice(0, -2)}AA` }),
      visitor
        .post('/login')
        .type('form')
        .send({ ...fields, _csrf: theirs }),
      // A valid token without the cookie it was made for.
      request(ctx.app)
        .post('/login')
        .type('form')
        .send({ ...fields, _csrf: mine }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(cheerio.load(res.text)('h1').text()).toBe('Η φόρμα έληξε');
    }
    expect(
      (
        await visitor
          .post('/login')
          .type('form')
          .send({ ...fields, _csrf: mine })
      ).status,
    ).toBe(303);
  });

  it('keeps the session token for signed-in forms: an anonymous token does not do there', async () => {
    const user = await createActiveUser(ctx.db, 'ds4');
    const agent = newAgent(ctx.app);
    const anonymousToken = await csrfFrom(agent, '/login');
    await signIn(agent, user.username, user.password);
    const refused = await agent.post('/account/pin').type('form').send({ _csrf: anonymousToken });
    expect(refused.status).toBe(403);
    const accepted = await postForm(agent, '/account', '/account/pin', {});
    expect(accepted.status).toBe(303);
    await drainMail(ctx.deps);
  });

  it('names the cookie __Host-csrf and makes it Secure in production', async () => {
    const csrf = csrfProtection(() => false, { secret: 'x'.repeat(40), production: true });
    const app = express()
      .use(express.urlencoded({ extended: false }))
      .use(csrf.expose)
      .use(csrf.protect)
      .get('/form', (_req, res) => {
        res.send(String((res.locals.csrfToken as () => string)()));
      })
      .post('/form', (_req, res) => {
        res.send('ok');
      })
      .use(((err: { code?: string }, _req, res, _next) => {
        res.status(err.code === 'EBADCSRFTOKEN' ? 403 : 500).end();
      }) as express.ErrorRequestHandler);
    const form = await request(app).get('/form');
    const cookie = ([] as string[]).concat(
      (form.headers['set-cookie'] as string[] | undefined) ?? [],
    )[0]!;
    expect(cookie).toMatch(/^__Host-csrf=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=/);
    const sent = await request(app)
      .post('/form')
      .set('Cookie', cookie.split(';')[0]!)
      .type('form')
      .send({ _csrf: form.text });
    expect(sent.status).toBe(200);
    // The same value under the development name does not count in production.
    const renamed = await request(app)
      .post('/form')
      .set('Cookie', cookie.split(';')[0]!.replace('__Host-csrf', 'csrf'))
      .type('form')
      .send({ _csrf: form.text });
    expect(renamed.status).toBe(403);
  });
});

import * as cheerio from 'cheerio';
import { Router, type Request, type Response } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { requireCitizen, requireRole, requireVerifiedCitizen } from '../../src/middleware/auth.ts';
import type { Clock } from '../../src/lib/clock.ts';
import {
  createActiveUser,
  csrfFrom,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
  validRegistration,
  withoutPerResponseValues,
} from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// A verified-only service and a staff page, guarded by the real guards, mounted like any feature.
const guarded: Feature = {
  router: Router()
    .get('/verified-service', requireVerifiedCitizen, (_req: Request, res: Response) => {
      res.send('verified content');
    })
    .get('/citizen-service', requireCitizen, (_req: Request, res: Response) => {
      res.send('citizen content');
    })
    .get('/clerk-page', requireRole('clerk'), (_req: Request, res: Response) => {
      res.send('clerk content');
    }),
  hubEntry: {
    id: 'tax-test',
    href: '/verified-service',
    titleKey: 'services.decisions.title',
    descriptionKey: 'services.decisions.description',
    access: 'verified',
  },
};

let now = new Date();
const clock: Clock = { now: () => now };
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({}, { extraFeatures: [guarded], clock });
});
afterAll(() => ctx.close());

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ([] as string[])
    .concat((res.headers['set-cookie'] as string[] | undefined) ?? [])
    .find((c) => c.startsWith('sid='))
    ?.split(';')[0];

describe('sign-in', () => {
  it('signs in by username or email, changes the session id, and signs out', async () => {
    const user = await createActiveUser(ctx.db, 'a1');
    const agent = newAgent(ctx.app);
    // Showing the form makes no session; a visitor who has one (here: after registering) gets a new id.
    expect(sessionCookie(await agent.get('/login'))).toBeUndefined();
    const registered = await postForm(agent, '/register', '/register', validRegistration(101));
    const before = sessionCookie(registered);
    expect(before).toBeTruthy();
    await drainMail(ctx.deps);
    const res = await signIn(agent, user.username.toUpperCase(), user.password);
    expect(res.status).toBe(303);
    const after = sessionCookie(res);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const home = cheerio.load((await agent.get('/')).text);
    expect(home('form[action="/logout"]').length).toBe(1);
    expect((await agent.get('/account')).status).toBe(200);
    const byEmail = newAgent(ctx.app);
    expect((await signIn(byEmail, 'USER.a1@example.gr', user.password)).status).toBe(303);

    const sessions = async () =>
      Number(((await ctx.db('session').count({ n: '*' }).first()) as { n: number }).n);
    const count = await sessions();
    const _csrf = await csrfFrom(agent, '/account');
    const out = await agent.post('/logout').type('form').send({ _csrf });
    expect(out.status).toBe(303);
    expect(await sessions()).toBe(count - 1);
    expect((await agent.get('/account')).headers.location).toBe('/login?next=%2Faccount');
    expect(
      await ctx.db('audit_log').where({ user_id: user.id, action: 'auth.signed_out' }).first(),
    ).toBeTruthy();
  });

  it('tells a pending account to activate, only after the right password, and lets it resend', async () => {
    const agent = newAgent(ctx.app);
    await postForm(agent, '/register', '/register', validRegistration(301));
    await drainMail(ctx.deps);
    const wrong = await signIn(newAgent(ctx.app), 'maria.301', 'not the password at all');
    expect(cheerio.load(wrong.text)('#login-error').text()).toContain(
      'Λάθος όνομα χρήστη ή κωδικός',
    );
    const right = await signIn(newAgent(ctx.app), 'maria.301', validRegistration(301).password);
    expect(right.status).toBe(403);
    const $ = cheerio.load(right.text);
    expect($('h1').text()).toBe('Ο λογαριασμός δεν έχει ενεργοποιηθεί');
    expect($('form[action="/activate/resend"] input[name="email"]').attr('value')).toBe(
      'maria.301@example.gr',
    );
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    await createActiveUser(ctx.db, 'a2');
    const unknown = await signIn(newAgent(ctx.app), 'nobody-here', 'whatever password');
    const wrong = await signIn(newAgent(ctx.app), 'user.a2', 'whatever password');
    expect(unknown.status).toBe(wrong.status);
    expect(cheerio.load(unknown.text)('#login-error').text()).toBe(
      cheerio.load(wrong.text)('#login-error').text(),
    );
    expect(cheerio.load(wrong.text)('#login').attr('value')).toBe('user.a2');
    expect(cheerio.load(wrong.text)('#password').attr('value')).toBe('');
  });

  it('locks an account after 5 failures for 1, then 2 minutes, and says until when', async () => {
    const user = await createActiveUser(ctx.db, 'a3');
    const agent = newAgent(ctx.app);
    now = new Date('2026-07-01T09:00:30Z');
    for (let i = 0; i < 4; i += 1)
      expect((await signIn(agent, user.username, 'wrong password here')).status).toBe(401);
    const fifth = await signIn(agent, user.username, 'wrong password here');
    expect(fifth.status).toBe(429);
    // Locked until 09:01:30 UTC: 12:01:30 in Athens (summer time), so "after 12:02".
    expect(cheerio.load(fifth.text)('#login-error').text()).toContain(
      'Πάρα πολλές προσπάθειες για αυτό το όνομα χρήστη ή email. Δοκιμάστε ξανά μετά τις 12:02',
    );
    // Even the right password waits; and the account is locked whichever of its names is used.
    expect((await signIn(agent, user.username, user.password)).status).toBe(429);
    expect((await signIn(agent, 'user.a3@example.gr', user.password)).status).toBe(429);
    expect(
      await ctx.db('audit_log').where({ user_id: user.id, action: 'auth.locked' }).first(),
    ).toBeTruthy();
    now = new Date('2026-07-01T09:01:31Z');
    const sixth = await signIn(agent, user.username, 'wrong password again');
    expect(cheerio.load(sixth.text)('#login-error').text()).toContain('μετά τις 12:04');
    now = new Date('2026-07-01T09:03:32Z');
    expect((await signIn(agent, user.username, user.password)).status).toBe(303);
    expect(
      await ctx
        .db('sign_in_failures')
        .where({ key: `account:${user.id}` })
        .first(),
    ).toBe(undefined);
    now = new Date();
  });

  it('counts failures per name, trimmed and case-folded, whether or not an account has it', async () => {
    now = new Date('2026-01-15T10:00:10Z');
    const agent = newAgent(ctx.app);
    for (const name of [' Nobody.Here', 'NOBODY.HERE ', 'nobody.here', 'Nobody.here'])
      expect((await signIn(agent, name, 'some password')).status).toBe(401);
    const locked = await signIn(newAgent(ctx.app), 'nobody.HERE', 'some password');
    expect(locked.status).toBe(429);
    // Winter: Athens is UTC+2. Locked until 10:01:10 UTC, 12:01:10 in Athens.
    expect(cheerio.load(locked.text)('#login-error').text()).toContain('μετά τις 12:02');
    const english = newAgent(ctx.app);
    await english.get('/login?lang=en');
    const inEnglish = await signIn(english, 'nobody.here', 'some password');
    expect(cheerio.load(inEnglish.text)('#login-error').text()).toContain(
      'Too many attempts for this username or email. Try again after 12:02',
    );
    const row = (await ctx.db('sign_in_failures').where({ key: 'name:nobody.here' }).first()) as {
      failures: number;
    };
    expect(row.failures).toBe(5);
    now = new Date();
  });

  it('answers a locked name with the same page, byte for byte, whether or not an account has it', async () => {
    const lockedPage = async (lang: string) => {
      now = new Date('2026-03-02T08:00:00Z');
      await ctx.db('sign_in_failures').delete();
      const agent = newAgent(ctx.app);
      await agent.get(`/login?lang=${lang}`);
      for (let i = 0; i < 5; i += 1) await signIn(agent, 'Eleni.K', 'not her password');
      const res = await signIn(agent, 'Eleni.K', 'not her password');
      expect(res.status).toBe(429);
      return withoutPerResponseValues(res.text);
    };
    for (const lang of ['el', 'en']) {
      await ctx.db('users').where({ username: 'eleni.k' }).delete();
      const nobody = await lockedPage(lang);
      await createActiveUser(ctx.db, 'x', { username: 'eleni.k', email: 'eleni.k@example.gr' });
      const someone = await lockedPage(lang);
      expect(someone).toBe(nobody);
      expect(cheerio.load(someone)('#login-error').text()).toContain('10:01');
    }
    now = new Date();
  });

  it('sends staff to the back office and citizens to the hub, unless a return path was given', async () => {
    const clerk = await createActiveUser(ctx.db, 's1', { roles: ['clerk'] });
    const citizen = await createActiveUser(ctx.db, 's2');
    const staffAgent = newAgent(ctx.app);
    expect((await signIn(staffAgent, clerk.username, clerk.password)).headers.location).toBe(
      '/staff',
    );
    expect((await staffAgent.get('/login')).headers.location).toBe('/staff');
    const citizenAgent = newAgent(ctx.app);
    expect((await signIn(citizenAgent, citizen.username, citizen.password)).headers.location).toBe(
      '/',
    );
    expect((await citizenAgent.get('/login')).headers.location).toBe('/');
    const returning = newAgent(ctx.app);
    const back = await postForm(returning, '/login?next=%2Fclerk-page', '/login', {
      login: clerk.username,
      password: clerk.password,
    });
    expect(back.headers.location).toBe('/clerk-page');
    // Their own account page offers staff no phone PIN or identity check, and asks 14 characters.
    const $ = cheerio.load((await staffAgent.get('/account')).text);
    expect($('form[action="/account/pin"]').length).toBe(0);
    expect($('#identity-check').length).toBe(0);
    expect($('#password-hint').text()).toContain('14');
    expect($('main').text()).not.toContain('Τουλάχιστον 10');
  });

  it('limits sign-in attempts per address, in the database', async () => {
    const agent = newAgent(ctx.app);
    let last = 0;
    for (let i = 0; i < 31; i += 1) last = (await signIn(agent, `someone${i}`, 'x')).status;
    expect(last).toBe(429);
    const rows = (await ctx
      .db('rate_limits')
      .where('key', 'like', 'login:ip:%')
      .select('hits')) as { hits: number }[];
    // Every attempt counts at once (parallel ones cannot slip past); only successes are given back.
    expect(rows.some((r) => r.hits >= 31)).toBe(true);
  });

  it('refuses a POST without a valid CSRF token with a friendly 403 page', async () => {
    const agent = newAgent(ctx.app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ login: 'x', password: 'y' });
    expect(res.status).toBe(403);
    expect(cheerio.load(res.text)('h1').text()).toBe('Η φόρμα έληξε');
    const forged = await agent
      .post('/login')
      .type('form')
      .send({ login: 'x', password: 'y', _csrf: 'forged' });
    expect(forged.status).toBe(403);
  });

  it('ends a session after 12 hours however active it was', async () => {
    const user = await createActiveUser(ctx.db, 'a4');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    expect((await agent.get('/account')).status).toBe(200);
    now = new Date(now.getTime() + 12 * 3600 * 1000 + 1000);
    const res = await agent.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?expired=1');
    now = new Date();
  });

  it('sets an idle timeout of 30 minutes on the cookie, HttpOnly and SameSite=Lax', async () => {
    const user = await createActiveUser(ctx.db, 'a5');
    const res = await signIn(newAgent(ctx.app), user.username, user.password);
    const cookie = ([] as string[])
      .concat((res.headers['set-cookie'] as string[] | undefined) ?? [])
      .find((c) => c.startsWith('sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]!).getTime();
    expect(Math.abs(expires - Date.now() - 30 * 60 * 1000)).toBeLessThan(60_000);
  });
});

describe('password reset', () => {
  it('emails a single-use link and ends every other session of the account', async () => {
    const user = await createActiveUser(ctx.db, 'r1');
    const other = newAgent(ctx.app);
    await signIn(other, user.username, user.password);
    expect((await other.get('/account')).status).toBe(200);

    const agent = newAgent(ctx.app);
    const asked = await postForm(agent, '/password-reset', '/password-reset', {
      email: 'user.r1@example.gr',
    });
    expect(asked.status).toBe(303);
    const sent = await agent.get(asked.headers.location!);
    expect(cheerio.load(sent.text)('h1').text()).toBe('Ελέγξτε το email σας');
    const unknown = await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email: 'ghost@example.gr',
    });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.location).toBe(asked.headers.location);
    const mails = await drainMail(ctx.deps);
    expect(mails.map((m) => m.to)).toEqual(['user.r1@example.gr']);
    const path = linkIn(mails[0]!, '/password-reset');

    const weak = await postForm(agent, path, path, { password: 'short', passwordConfirm: 'short' });
    expect(cheerio.load(weak.text)('#password-error').text()).toContain('τουλάχιστον 10');
    const done = await postForm(agent, path, path, {
      password: 'νέος μακρύς κωδικός',
      passwordConfirm: 'νέος μακρύς κωδικός',
    });
    expect(done.status).toBe(303);
    expect((await other.get('/account')).status).toBe(303);
    expect((await agent.get(path)).status).toBe(410);
    expect((await signIn(newAgent(ctx.app), user.username, 'νέος μακρύς κωδικός')).status).toBe(
      303,
    );
    expect((await drainMail(ctx.deps)).map((m) => m.subject)).toEqual([
      'Αλλαγή στον λογαριασμό σας – Δήμος Αγίου Νικολάου',
    ]);
  });

  it('refuses an expired link', async () => {
    await createActiveUser(ctx.db, 'r2');
    await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
      email: 'user.r2@example.gr',
    });
    const [mail] = await drainMail(ctx.deps);
    now = new Date(Date.now() + 3600 * 1000 + 1000);
    expect((await newAgent(ctx.app).get(linkIn(mail!, '/password-reset'))).status).toBe(410);
    now = new Date();
  });
});

describe('access levels', () => {
  it('sends anonymous users to sign-in and back to where they were going', async () => {
    const user = await createActiveUser(ctx.db, 'g1');
    const agent = newAgent(ctx.app);
    const res = await agent.get('/citizen-service?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fcitizen-service%3Fx%3D1');
    const signedIn = await postForm(agent, res.headers.location!, '/login', {
      login: user.username,
      password: user.password,
    });
    expect(signedIn.headers.location).toBe('/citizen-service?x=1');
    expect((await agent.get('/citizen-service')).text).toBe('citizen content');
  });

  it('explains the identity check to an unverified citizen, and opens once verified', async () => {
    const user = await createActiveUser(ctx.db, 'g2');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const refused = await agent.get('/verified-service');
    expect(refused.status).toBe(403);
    const $ = cheerio.load(refused.text);
    expect($('h1').text()).toBe('Χρειάζεται ταυτοπροσωπία');
    expect($('main').text()).toContain('Πλατεία Δημαρχείου 1');
    expect($('main').text()).toContain('08:00–14:30');
    const account = cheerio.load((await agent.get('/account')).text);
    expect(account('td:contains("Αποφάσεις Δημοτικού Συμβουλίου")').length).toBeGreaterThan(0);
    expect(account('main').text()).toContain('Χρειάζεται ταυτοπροσωπία στο γραφείο του Δήμου');
    // A clerk's change reaches every process by NOTIFY within milliseconds.
    await ctx
      .db('users')
      .where({ id: user.id })
      .update({ identity_verified_at: new Date(), identity_channel: 'counter' });
    await expect
      .poll(async () => (await agent.get('/verified-service')).text, { timeout: 2000 })
      .toBe('verified content');
    expect(
      cheerio
        .load((await agent.get('/account')).text)('main')
        .text(),
    ).not.toContain('Χρειάζεται ταυτοπροσωπία στο γραφείο του Δήμου');
  });

  it('tells a newcomer on the register page which mounted services need an account', async () => {
    const $ = cheerio.load((await newAgent(ctx.app).get('/register')).text);
    const listed = $('main .govuk-list--bullet li')
      .map((_i, li) => $(li).text())
      .get();
    expect(listed).toEqual([
      'Αιτήματα και καταγγελίες',
      'Πρόστιμα ΚΟΚ',
      'Δημοτικά τέλη και οφειλές (χρειάζεται και ταυτοπροσωπία στο γραφείο του Δήμου)',
      'Πιστοποιητικά (χρειάζεται και ταυτοπροσωπία στο γραφείο του Δήμου)',
      'Ψηφοφορίες',
      'Αποφάσεις Δημοτικού Συμβουλίου (χρειάζεται και ταυτοπροσωπία στο γραφείο του Δήμου)',
    ]);
  });

  it('keeps staff pages to staff', async () => {
    const citizen = await createActiveUser(ctx.db, 'g3');
    const clerk = await createActiveUser(ctx.db, 'g4', { roles: ['clerk'] });
    expect((await request(ctx.app).get('/clerk-page')).status).toBe(303);
    const a = newAgent(ctx.app);
    await signIn(a, citizen.username, citizen.password);
    expect((await a.get('/clerk-page')).status).toBe(403);
    const b = newAgent(ctx.app);
    await signIn(b, clerk.username, clerk.password);
    expect((await b.get('/clerk-page')).text).toBe('clerk content');
  });
});

describe('housekeeping', () => {
  it('drops rate-limit windows older than a day', async () => {
    const { pruneRateLimits } = await import('../../src/lib/rate-limit.ts');
    await ctx.db('rate_limits').insert([
      { key: 'login:ip:old', window_start: new Date(Date.now() - 2 * 86_400_000), hits: 3 },
      { key: 'login:ip:new', window_start: new Date(), hits: 3 },
    ]);
    await pruneRateLimits(ctx.db, { now: () => new Date() });
    const keys = (await ctx
      .db('rate_limits')
      .whereIn('key', ['login:ip:old', 'login:ip:new'])
      .pluck('key')) as string[];
    expect(keys).toEqual(['login:ip:new']);
  });

  it('forgets sign-in failures a day after the last one, for every kind of key alike', async () => {
    const { pruneRateLimits } = await import('../../src/lib/rate-limit.ts');
    await ctx.db('sign_in_failures').insert([
      { key: 'name:old', failures: 7, last_failed_at: new Date(Date.now() - 2 * 86_400_000) },
      { key: 'account:999999', failures: 7, last_failed_at: new Date(Date.now() - 2 * 86_400_000) },
      { key: 'name:new', failures: 2, last_failed_at: new Date() },
    ]);
    await pruneRateLimits(ctx.db, { now: () => new Date() });
    const keys = (await ctx
      .db('sign_in_failures')
      .whereIn('key', ['name:old', 'account:999999', 'name:new'])
      .pluck('key')) as string[];
    expect(keys).toEqual(['name:new']);
  });
});

import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../../src/lib/passwords.ts';
import {
  createActiveUser,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

async function signedIn(n: string, extra: Record<string, unknown> = {}) {
  const user = await createActiveUser(ctx.db, n, extra);
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return { user, agent };
}

describe('account page', () => {
  it('sets a new PIN, shows it once, emails it and stores only its hash', async () => {
    const { user, agent } = await signedIn('p1');
    const posted = await postForm(agent, '/account', '/account/pin', {});
    expect(posted.status).toBe(303);
    const res = await agent.get(posted.headers.location!);
    expect(res.headers['cache-control']).toBe('no-store');
    const pin = cheerio.load(res.text)('.app-pin').text();
    expect(pin).toMatch(/^\d{6}$/);
    const row = (await ctx.db('users').where({ id: user.id }).first('ivr_pin_hash')) as {
      ivr_pin_hash: string;
    };
    expect(await verifySecret(row.ivr_pin_hash, pin)).toBe(true);
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.text).toContain(pin);
    expect(cheerio.load((await agent.get('/account')).text)('.app-pin').length).toBe(0);
    expect(
      await ctx.db('audit_log').where({ user_id: user.id, action: 'account.pin_changed' }).first(),
    ).toBeTruthy();
  });

  it('changes the phone, refusing one that an active account has', async () => {
    const { user, agent } = await signedIn('p2', { phone_e164: '+306900000002' });
    await createActiveUser(ctx.db, 'p3', { phone_e164: '+306900000003' });
    const taken = await postForm(agent, '/account', '/account/phone', { phone: '690 000 0003' });
    expect(taken.status).toBe(400);
    expect(cheerio.load(taken.text)('#phone-error').text()).toContain('άλλον ενεργό λογαριασμό');
    const bad = await postForm(agent, '/account', '/account/phone', { phone: 'abc' });
    expect(cheerio.load(bad.text)('#phone-error').text()).toContain('έγκυρο αριθμό');
    const ok = await postForm(agent, '/account', '/account/phone', { phone: '6977 123 456' });
    expect(ok.status).toBe(303);
    expect(
      ((await ctx.db('users').where({ id: user.id }).first('phone_e164')) as { phone_e164: string })
        .phone_e164,
    ).toBe('+306977123456');
  });

  it('changes the email only after the new address confirms it', async () => {
    const { user, agent } = await signedIn('p4');
    const res = await postForm(agent, '/account', '/account/email', { email: 'new.p4@example.gr' });
    expect(res.status).toBe(303);
    expect(
      ((await ctx.db('users').where({ id: user.id }).first('email')) as { email: string }).email,
    ).toBe('user.p4@example.gr');
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe('new.p4@example.gr');
    const path = linkIn(mail!, '/account/email');
    expect((await agent.get(path)).status).toBe(200);
    expect((await postForm(agent, path, path, {})).status).toBe(303);
    expect(
      ((await ctx.db('users').where({ id: user.id }).first('email')) as { email: string }).email,
    ).toBe('new.p4@example.gr');
    const notices = await drainMail(ctx.deps);
    expect(notices.map((m) => m.to)).toEqual(['user.p4@example.gr']);
  });

  it('changes the password only with the current one, and signs out other sessions', async () => {
    const { user, agent } = await signedIn('p5');
    const other = newAgent(ctx.app);
    await signIn(other, user.username, user.password);
    const wrong = await postForm(agent, '/account', '/account/password', {
      currentPassword: 'nope nope nope',
      password: 'ένας νέος κωδικός',
      passwordConfirm: 'ένας νέος κωδικός',
    });
    expect(cheerio.load(wrong.text)('#currentPassword-error').text()).toContain('δεν είναι σωστός');
    const ok = await postForm(agent, '/account', '/account/password', {
      currentPassword: user.password,
      password: 'ένας νέος κωδικός',
      passwordConfirm: 'ένας νέος κωδικός',
    });
    expect(ok.status).toBe(303);
    expect((await agent.get('/account')).status).toBe(200);
    expect((await other.get('/account')).status).toBe(303);
  });
});

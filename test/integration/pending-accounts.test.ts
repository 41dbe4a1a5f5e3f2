/**
 * Issue 8, item 11: someone registers with another person's email. The activation email tells
 * its reader to ignore it if it was not them, and offers a link that deletes the pending account;
 * pending accounts left alone are deleted after PENDING_ACCOUNT_DAYS, freeing the username, email
 * and phone.
 */
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { runMaintenance } from '../../src/features/module-jobs.ts';
import {
  createActiveUser,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  validRegistration,
} from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ PENDING_ACCOUNT_DAYS: '3' });
});
afterAll(() => ctx.close());

const register = (fields: Record<string, string>, lang = 'el') =>
  postForm(newAgent(ctx.app), `/register?lang=${lang}`, '/register', fields);

const userNamed = (username: string) =>
  ctx.db('users').where({ username }).first('id', 'status') as Promise<
    { id: number; status: string } | undefined
  >;

describe('the "this was not me" link in the activation email', () => {
  it('says to ignore the email, and its link (GET page, POST to confirm) deletes the pending account', async () => {
    await register(validRegistration(1));
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.text).toMatch(/Αν δεν κάνατε εσείς την εγγραφή, αγνοήστε/);
    expect(mail!.html).toMatch(/Αν δεν κάνατε εσείς την εγγραφή, αγνοήστε/);
    const path = linkIn(mail!, '/register/cancel');
    expect(mail!.html).toContain(path);

    const agent = newAgent(ctx.app);
    const page = await agent.get(path);
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    expect($('main').text()).toContain('maria.1');
    expect($(`form[action="${path}"] button`).length).toBe(1);
    // A mail scanner following the link deletes nothing.
    expect(await userNamed('maria.1')).toMatchObject({ status: 'pending' });

    const done = await postForm(agent, path, path, {});
    expect(done.status).toBe(303);
    const after = cheerio.load((await agent.get(done.headers.location!)).text);
    expect(after('h1').text()).toBe('Ο λογαριασμός διαγράφηκε');
    expect(await userNamed('maria.1')).toBeUndefined();
    // The link works once.
    expect((await newAgent(ctx.app).get(path)).status).toBe(410);

    // The username, email and phone are free again.
    const again = await register(validRegistration(1));
    expect(again.status).toBe(303);
    expect(await userNamed('maria.1')).toMatchObject({ status: 'pending' });
    await drainMail(ctx.deps);
  });

  it('says it in English too', async () => {
    await register(validRegistration(2), 'en');
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.text).toMatch(/If you did not register, ignore this email/);
    const path = linkIn(mail!, '/register/cancel');
    const page = cheerio.load((await newAgent(ctx.app).get(`${path}?lang=en`)).text);
    expect(page('h1').text()).toBe('Delete this account?');
  });

  it('cannot delete an account once it is activated', async () => {
    await register(validRegistration(3));
    const [mail] = await drainMail(ctx.deps);
    const activate = linkIn(mail!, '/activate');
    const cancel = linkIn(mail!, '/register/cancel');
    const agent = newAgent(ctx.app);
    expect((await postForm(agent, activate, activate, {})).status).toBe(303);

    const page = await newAgent(ctx.app).get(cancel);
    expect(page.status).toBe(410);
    // Even a form fetched before the activation cannot delete it.
    const res = await postForm(newAgent(ctx.app), '/register', cancel, {});
    expect(res.status).toBe(410);
    expect(await userNamed('maria.3')).toMatchObject({ status: 'active' });
  });
});

describe('pending accounts left alone', () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600_000);

  /** Moves an account's registration (and its activation emails) `days` into the past. */
  async function age(username: string, days: number) {
    const user = (await userNamed(username))!;
    await ctx
      .db('users')
      .where({ id: user.id })
      .update({ created_at: daysAgo(days) });
    await ctx
      .db('one_time_links')
      .where({ user_id: user.id })
      .update({ created_at: daysAgo(days) });
    return user.id;
  }

  it('are deleted by the hourly job after PENDING_ACCOUNT_DAYS, and only they', async () => {
    for (const n of [10, 11, 12, 13]) await register(validRegistration(n));
    await drainMail(ctx.deps);
    await age('maria.10', 4); // pending, older than 3 days: goes
    await age('maria.11', 2); // pending, younger: stays
    await age('maria.12', 4);
    // An activation email sent again a day ago gives the account its days again.
    const resent = await age('maria.13', 4);
    await ctx
      .db('one_time_links')
      .where({ user_id: resent, purpose: 'activation' })
      .update({ created_at: daysAgo(1) });
    await ctx.db('users').where({ username: 'maria.12' }).update({ status: 'active' });
    const staff = await createActiveUser(ctx.db, 'invited', {
      status: 'pending',
      activated_at: null,
      roles: ['editor'],
      created_at: daysAgo(10),
    });

    await runMaintenance(ctx.deps);

    expect(await userNamed('maria.10')).toBeUndefined();
    expect(await userNamed('maria.11')).toMatchObject({ status: 'pending' });
    expect(await userNamed('maria.12')).toMatchObject({ status: 'active' });
    expect(await userNamed('maria.13')).toMatchObject({ status: 'pending' });
    expect(await ctx.db('users').where({ id: staff.id }).first('id')).toBeTruthy();
    // The name, email and phone of the deleted account can be registered again.
    expect((await register(validRegistration(10))).status).toBe(303);
    expect(await userNamed('maria.10')).toMatchObject({ status: 'pending' });
  });

  it('waits 7 days unless PENDING_ACCOUNT_DAYS says otherwise', () => {
    expect(loadConfig({}).PENDING_ACCOUNT_DAYS).toBe(7);
    expect(loadConfig({ PENDING_ACCOUNT_DAYS: '3' }).PENDING_ACCOUNT_DAYS).toBe(3);
  });
});

import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSetting } from '../../src/features/settings/settings.ts';
import { runMaintenance } from '../../src/features/module-jobs.ts';
import { createActiveUser, formTokens, type Agent } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let admin: Agent;

beforeAll(async () => {
  ctx = await createTestContext({ PENDING_ACCOUNT_DAYS: '9' });
  admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent;
});
afterAll(() => ctx.close());

/** Sends the settings form as a browser would: every field as shown, with `values` changed. */
async function save(values: Record<string, string>) {
  const tokens = await formTokens(admin, '/staff/settings', '/staff/settings');
  const $ = cheerio.load((await admin.get('/staff/settings')).text);
  const shown: Record<string, string> = {};
  $(
    'form[action="/staff/settings"] input[type="text"], form[action="/staff/settings"] input:not([type])',
  ).each((_i, input) => {
    const name = $(input).attr('name');
    if (name) shown[name] = String($(input).val() ?? '');
  });
  return admin
    .post('/staff/settings')
    .type('form')
    .send({ ...shown, ...tokens, ...values });
}

describe('settings staff change in the back office', () => {
  it('start from the config, change on /staff/settings, and are audited', async () => {
    expect(await readSetting(ctx.deps, 'accounts.pendingAccountDays')).toBe(9);
    const page = cheerio.load((await admin.get('/staff/settings')).text);
    expect(page('#accounts-pendingAccountDays').val()).toBe('9');
    expect(page('#accounts-pendingAccountDays-hint').text()).toContain('προεπιλογή 9');

    const saved = await save({ 'accounts-pendingAccountDays': '2' });
    expect(saved.status).toBe(303);
    expect(await readSetting(ctx.deps, 'accounts.pendingAccountDays')).toBe(2);
    const after = await admin.get('/staff/settings');
    expect(cheerio.load(after.text)('#accounts-pendingAccountDays').val()).toBe('2');
    expect(after.text).toContain('Οι ρυθμίσεις αποθηκεύτηκαν.');
    const audit = (await ctx
      .db('audit_log')
      .where({ action: 'setting.changed' })
      .first('details')) as {
      details: unknown;
    };
    expect(audit.details).toEqual({ key: 'accounts.pendingAccountDays', before: 9, after: 2 });
    // Saving the same value again changes nothing and logs nothing.
    await save({ 'accounts-pendingAccountDays': '2' });
    expect(
      await ctx.db('audit_log').where({ action: 'setting.changed' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it('refuse what is out of bounds, at the field, and keep the old value', async () => {
    for (const bad of ['0', '366', 'πέντε', '', '3.5']) {
      const res = await save({ 'accounts-pendingAccountDays': bad });
      expect(res.status, bad).toBe(400);
      const $ = cheerio.load(res.text);
      expect($('#accounts-pendingAccountDays-error').text(), bad).toContain('από 1 έως 365');
      expect($('#accounts-pendingAccountDays').val(), bad).toBe(bad);
    }
    expect(await readSetting(ctx.deps, 'accounts.pendingAccountDays')).toBe(2);
  });

  it('(API keys) offer the scopes the modules declare, Open311’s among them', async () => {
    const page = cheerio.load((await admin.get('/staff/api-keys/new')).text);
    expect(page('form[action="/staff/api-keys/new"]').length).toBe(1);
    const scopes = page('input[name="scopes"]')
      .map((_, input) => page(input).attr('value'))
      .get();
    expect(scopes).toEqual(expect.arrayContaining(['open311:write', 'open311:read-all']));
  });

  it('are for admins only', async () => {
    const clerk = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).agent;
    expect((await clerk.get('/staff/settings')).status).toBe(403);
  });

  it('are what the jobs use: pending accounts go after the saved number of days', async () => {
    await ctx.db('settings').where({ key: 'accounts.pendingAccountDays' }).update({ value: '3' });
    await expect.poll(() => readSetting(ctx.deps, 'accounts.pendingAccountDays')).toBe(3);
    const old = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    const pending = await createActiveUser(ctx.db, 'waiting', {
      status: 'pending',
      activated_at: null,
      created_at: old,
    });
    await runMaintenance(ctx.deps);
    expect(await ctx.db('users').where({ id: pending.id }).first('id')).toBeUndefined();
  });
});

import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { drainMail, linkIn, newAgent, postForm, signIn, type Agent } from '../helpers/accounts.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import { binary } from '../helpers/certificates.ts';
import { rowsHolding, runQueuedExports, unzip } from '../helpers/privacy.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let now = new Date('2026-05-04T08:00:00Z');
const clock = { now: () => now };
const HOUR = 3600_000;

let ctx: TestContext;
let n = 0;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
});
afterAll(() => ctx.close());
beforeEach(async () => {
  now = new Date('2026-05-04T08:00:00Z');
  await runQueuedExports(ctx.deps);
  await drainMail(ctx.deps);
});

async function citizen(extra: Record<string, unknown> = {}) {
  n += 1;
  const tag = `${Date.now().toString(36)}${n}`;
  const user = await createActiveUser(ctx.db, tag, {
    full_name: `Ευανθία Ζαχαρίου ${tag}`,
    phone_e164: `+306944${String(100000 + n).slice(-6)}`,
    ...extra,
  });
  const agent = newAgent(ctx.app);
  expect((await signIn(agent, user.username, user.password)).status).toBe(303);
  const row = (await ctx.db('users').where({ id: user.id }).first()) as {
    email: string;
    full_name: string;
    phone_e164: string;
  };
  return { ...user, agent, email: row.email, name: row.full_name, phone: row.phone_e164 };
}

async function preparedExportLink(agent: Agent, lang = 'el'): Promise<string> {
  const asked = await postForm(agent, `/account/data?lang=${lang}`, '/account/data', {});
  expect(asked.status).toBe(303);
  expect(await runQueuedExports(ctx.deps)).toBe(1);
  const mails = await drainMail(ctx.deps);
  expect(mails).toHaveLength(1);
  return linkIn(mails[0]!, '/account/data/download');
}

describe("the download of a citizen's data", () => {
  it('is prepared by a job, mailed as a one-time link, and holds the account and nothing of another citizen', async () => {
    const maria = await citizen();
    const other = await citizen();
    const page = await maria.agent.get('/account/data');
    expect(page.status).toBe(200);
    expect(cheerio.load(page.text)('form[action="/account/data"] button').text()).toMatch(
      /Ετοιμάστε/,
    );

    await postForm(maria.agent, '/account/data', '/account/data', {});
    const queued = cheerio.load((await maria.agent.get('/account/data')).text);
    expect(queued('#export-status').attr('data-export-status')).toBe('queued');
    expect(queued('form[action="/account/data"]')).toHaveLength(0);
    // Asking again while it is prepared changes nothing.
    const again = await maria.agent
      .post('/account/data')
      .type('form')
      .send({ _csrf: queued('input[name="_csrf"]').attr('value') });
    expect(again.status).toBe(409);
    expect(cheerio.load(again.text)('.govuk-error-summary').text()).toMatch(/ήδη ετοιμάζονται/);

    expect(await runQueuedExports(ctx.deps)).toBe(1);
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe(maria.email);
    expect(mail!.subject).toMatch(/δεδομένα/);
    const link = linkIn(mail!, '/account/data/download');

    const ready = cheerio.load((await maria.agent.get('/account/data')).text);
    expect(ready('#export-status').attr('data-export-status')).toBe('ready');

    // Another citizen with the link: nothing.
    expect((await other.agent.get(link)).status).toBe(404);
    // Opening the link spends nothing; the button downloads.
    expect((await maria.agent.get(link)).status).toBe(200);
    const look = await maria.agent.get(link);
    expect(look.status).toBe(200);
    const $ = cheerio.load(look.text);
    const download = await maria.agent
      .post(link)
      .type('form')
      .send({ _csrf: $('input[name="_csrf"]').attr('value') })
      .buffer(true)
      .parse(binary);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(
      /attachment; filename="?my-data-2026-05-04\.zip"?/,
    );
    const entries = await unzip(download.body as Buffer);
    expect([...entries.keys()]).toContain('README.txt');
    const accounts = JSON.parse(entries.get('accounts.json')!.toString()) as {
      account: { email: string; full_name: string; phone: string };
      audit_trail: { action: string }[];
    };
    expect(accounts.account).toMatchObject({
      email: maria.email,
      full_name: maria.name,
      phone: maria.phone,
    });
    expect(accounts.audit_trail.map((entry) => entry.action)).toContain('privacy.export_requested');
    const everything = [...entries.values()].map((bytes) => bytes.toString()).join('\n');
    for (const value of [other.email, other.name, other.phone, other.username])
      expect(everything).not.toContain(value);
    expect(everything).not.toMatch(/password_hash|\$argon2/);

    // Once only.
    expect((await maria.agent.get(link)).status).toBe(410);
    const done = cheerio.load((await maria.agent.get('/account/data')).text);
    expect(done('#export-status').attr('data-export-status')).toBe('downloaded');
  });

  it('needs the owner signed in, says so in English, and is refused after three a day', async () => {
    const maria = await citizen();
    const link = await preparedExportLink(maria.agent, 'en');
    const anonymous = await newAgent(ctx.app).get(link);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    const english = cheerio.load((await maria.agent.get(`${link}?lang=en`)).text);
    expect(english('h1').text()).toBe('Your data is ready');

    await preparedExportLink(maria.agent);
    // The second made the first link stop working.
    expect((await maria.agent.get(link)).status).toBe(410);
    await preparedExportLink(maria.agent);
    const refused = await postForm(maria.agent, '/account/data?lang=en', '/account/data', {});
    expect(refused.status).toBe(429);
    expect(cheerio.load(refused.text)('.govuk-error-summary').text()).toMatch(/three times/);
    // A day later (the requests moved back a day) she may ask again.
    await ctx
      .db('data_exports')
      .where({ user_id: maria.id })
      .update({ requested_at: new Date(now.getTime() - 25 * HOUR) });
    expect((await postForm(maria.agent, '/account/data', '/account/data', {})).status).toBe(303);
  });

  it('expires 48 hours after the mail, and the rule privacy.exports deletes spent files only', async () => {
    const rule = ctx.deps.modules
      .flatMap((m) => m.retention ?? [])
      .find((r) => r.name === 'privacy.exports')!;
    await ctx.db('data_exports').delete(); // what earlier tests left
    const maria = await citizen();
    const sara = await citizen();
    const spent = await preparedExportLink(maria.agent);
    await preparedExportLink(sara.agent);
    const files = async () =>
      (await ctx
        .db('data_exports')
        .whereNotNull('file_key')
        .whereIn('user_id', [maria.id, sara.id])
        .pluck('user_id')) as number[];
    expect((await files()).sort()).toEqual([maria.id, sara.id].sort());
    // Maria's link is used; Sara's is still good: only Maria's file goes.
    const $ = cheerio.load((await maria.agent.get(spent)).text);
    await maria.agent
      .post(spent)
      .type('form')
      .send({ _csrf: $('input[name="_csrf"]').attr('value') });
    const key = (await ctx.db('data_exports').where({ user_id: maria.id }).first('file_key')) as {
      file_key: string;
    };
    expect(await ctx.deps.documents.exists(key.file_key)).toBe(true);
    expect(await rule.run(ctx.deps)).toBe(1);
    expect(await ctx.deps.documents.exists(key.file_key)).toBe(false);
    expect(await files()).toEqual([sara.id]);
    // Sara's link works 48 hours; once that has passed, her file goes too, and the page says so.
    const link = (await ctx
      .db('one_time_links')
      .where({ user_id: sara.id, purpose: 'data_export' })
      .first('id', 'expires_at')) as { id: number; expires_at: Date };
    expect(link.expires_at.getTime() - now.getTime()).toBe(48 * HOUR);
    expect(await rule.run(ctx.deps)).toBe(0);
    await ctx.db('one_time_links').where({ id: link.id }).update({ expires_at: now });
    expect(await rule.run(ctx.deps)).toBe(1);
    expect(await files()).toEqual([]);
    const page = cheerio.load((await sara.agent.get('/account/data')).text);
    expect(page('#export-status').attr('data-export-status')).toBe('expired');
  });
});

describe('deleting an account', () => {
  it('is confirmed by email, erases the person in one go and frees the email and phone', async () => {
    const maria = await citizen({ afm: '090000045' });
    const page = cheerio.load((await maria.agent.get('/account/delete')).text);
    expect(page('h1').text()).toMatch(/Διαγραφή/);
    const asked = await postForm(maria.agent, '/account/delete', '/account/delete', {});
    expect(asked.headers.location).toBe('/account/delete?sent=1');
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe(maria.email);
    const link = linkIn(mail!, '/account/delete/confirm');
    // Nothing is deleted yet.
    expect((await ctx.db('users').where({ id: maria.id }).first('status')) as object).toEqual({
      status: 'active',
    });

    const other = await citizen();
    expect((await other.agent.get(link)).status).toBe(404);
    const confirm = await maria.agent.get(link);
    expect(confirm.status).toBe(200);
    const $ = cheerio.load(confirm.text);
    const done = await maria.agent
      .post(link)
      .type('form')
      .send({ _csrf: $('input[name="_csrf"]').attr('value') });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/account/deleted');
    expect((await maria.agent.get('/account/deleted')).status).toBe(200);
    // Signed out everywhere.
    const account = await maria.agent.get('/account');
    expect(account.status).toBe(303);

    const [goodbye] = await drainMail(ctx.deps);
    expect(goodbye!.to).toBe(maria.email);
    expect(goodbye!.subject).toMatch(/διαγράφηκε/);

    for (const value of [maria.name, maria.email, maria.phone, maria.username, '090000045'])
      expect(await rowsHolding(ctx.db, value), value).toEqual([]);
    const row = (await ctx.db('users').where({ id: maria.id }).first()) as Record<string, unknown>;
    expect(row).toMatchObject({
      status: 'erased',
      email: null,
      full_name: null,
      password_hash: null,
    });
    // The audit trail stays, without her.
    expect(
      await ctx.db('audit_log').where({ user_id: maria.id, action: 'privacy.account_erased' }),
    ).toHaveLength(1);
    // Her sign-in no longer works; her email and phone can register again.
    const again = newAgent(ctx.app);
    expect((await signIn(again, maria.username, maria.password)).status).toBe(401);
    await createActiveUser(ctx.db, `${n}again`, { email: maria.email, phone_e164: maria.phone });
    // The link was used.
    const fresh = await citizen();
    expect((await fresh.agent.get(link)).status).toBeGreaterThanOrEqual(404);
  });

  it('is not offered to staff, in Greek and English', async () => {
    const clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    for (const [lang, text] of [
      ['el', /διαχειριστή/],
      ['en', /administrator/],
    ] as const) {
      const page = cheerio.load((await clerk.agent.get(`/account/delete?lang=${lang}`)).text);
      expect(page('main').text()).toMatch(text);
      expect(page('form[action="/account/delete"]')).toHaveLength(0);
    }
    const csrf = cheerio
      .load((await clerk.agent.get('/account')).text)('input[name="_csrf"]')
      .first()
      .attr('value');
    await clerk.agent.post('/account/delete').type('form').send({ _csrf: csrf });
    expect(await drainMail(ctx.deps)).toEqual([]);
    expect(
      await ctx.db('one_time_links').where({ user_id: clerk.id, purpose: 'account_delete' }),
    ).toEqual([]);
  });
});

describe('the retention page', () => {
  it('shows every rule with its last run to admins only, and runs one on request (audited)', async () => {
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    const clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    expect((await clerk.agent.get('/staff/retention')).status).toBe(403);
    await ctx
      .db('session')
      .insert({ sid: 'expired', sess: '{}', expire: new Date(now.getTime() - 1000) });
    const { runMaintenance } = await import('../../src/features/module-jobs.ts');
    await runMaintenance(ctx.deps);
    const rules = ctx.deps.modules.flatMap((m) => m.retention ?? []);
    for (const lang of ['el', 'en']) {
      const $ = cheerio.load((await admin.agent.get(`/staff/retention?lang=${lang}`)).text);
      for (const rule of rules) {
        const row = $(`tr[data-rule="${rule.name}"]`);
        expect(row, rule.name).toHaveLength(1);
        expect(row.text()).not.toMatch(/undefined|NaN|\{\{/);
        expect(row.find('td').eq(2).text()).toMatch(lang === 'el' ? /εγγραφ/ : /record/);
      }
    }
    const runs = (await ctx.db('retention_runs').distinct('rule').pluck('rule')) as string[];
    expect(runs.sort()).toEqual(rules.map((r) => r.name).sort());

    // The audit log says which rule deleted how much.
    const audit = cheerio.load(
      (await admin.agent.get('/staff/audit?action=retention.ran&lang=en')).text,
    );
    const ran = audit('td')
      .filter((_i, cell) => audit(cell).text().includes('Retention: a rule deleted data'))
      .first()
      .text();
    expect(ran).toMatch(/\(\w+\.[\w-]+: \d+ records? deleted\)/);

    const res = await postForm(admin.agent, '/staff/retention', '/staff/retention/run', {
      rule: 'site.prune',
    });
    expect(res.status).toBe(303);
    expect(
      await ctx.db('audit_log').where({ action: 'retention.run_requested', actor_id: admin.id }),
    ).toHaveLength(1);
    const queued = await ctx.deps.boss.fetch('site.prune');
    expect(queued).toHaveLength(1);
  });
});

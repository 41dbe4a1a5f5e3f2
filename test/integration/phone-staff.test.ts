import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { athensDate } from '../../src/lib/format.ts';
import { createActiveUser, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { PhoneCall, newCallSid, phoneCitizen, signedInCall } from '../helpers/phone.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const LOG = '/staff/phone';
let ctx: TestContext;
let admin: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin } = await signedInStaff(ctx.app, ctx.db, ['admin']));
});
afterAll(() => ctx.close());

/** A call as the engine leaves one in the log (times, menus and outcomes chosen by the test). */
async function insertCall(fields: Record<string, unknown> = {}): Promise<number> {
  const [row] = (await ctx
    .db('phone_calls')
    .insert({ call_sid: newCallSid(), lang: 'el', ...fields })
    .returning('id')) as { id: number }[];
  return row!.id;
}

const rowsOf = (html: string) => {
  const $ = cheerio.load(html);
  return $('#calls tbody tr')
    .toArray()
    .map((tr) => ({
      id: Number($(tr).attr('data-call')),
      caller: $(tr).find('[data-caller]').text().replace(/\s+/g, ' ').trim(),
      link: $(tr).find('[data-caller] a').attr('href'),
      menus: $(tr).find('[data-menus]').text().trim(),
      outcomes: $(tr).find('[data-outcomes]').text().trim(),
      duration: $(tr).find('[data-duration]').text().trim(),
    }));
};

describe('the call log: who may read it', () => {
  it('is for admins: other staff and citizens are refused, visitors sent to sign in', async () => {
    expect((await admin.get(LOG)).status).toBe(200);
    const anonymous = await request(ctx.app).get(LOG);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    const user = await createActiveUser(ctx.db, `phonelog${Date.now()}`);
    const citizen = newAgent(ctx.app);
    await signIn(citizen, user.username, user.password);
    expect((await citizen.get(LOG)).status).toBe(403);
    for (const roles of [['clerk'], ['editor'], ['handler']] as const) {
      const { agent } = await signedInStaff(ctx.app, ctx.db, [...roles]);
      expect((await agent.get(LOG)).status, roles[0]).toBe(403);
      expect((await agent.get(`${LOG}?page=2`)).status, roles[0]).toBe(403);
      // Not in their navigation either.
      expect(cheerio.load((await agent.get('/staff')).text)(`a[href="${LOG}"]`).length).toBe(0);
    }
    const home = cheerio.load((await admin.get('/staff?lang=en')).text);
    expect(home(`main a[href="${LOG}"]`).text()).toBe('Phone line');
    expect(home('main').text()).toContain('Calls to the phone line');
  });
});

describe('the call log: what it shows', () => {
  it('names the account, the menus and the outcomes, and nothing typed, chosen or said', async () => {
    // A real call through the webhooks: a wrong PIN, then the right one.
    const caller = await phoneCitizen(ctx.db, { full_name: 'Ειρήνη Βαρδάκη' });
    const wrongPin = caller.pin === '000000' ? '111111' : '000000';
    const call = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: ctx.deps.config.baseUrl });
    await call.dial();
    await call.silence();
    await call.press(wrongPin);
    await call.press(caller.pin);
    expect(await call.hangUp(75)).toBe(204);
    // A caller who voted and applied, and one still on the line deciding a vote.
    const voter = await phoneCitizen(ctx.db, { full_name: 'Νίκος Σφακιανάκης' });
    await insertCall({
      user_id: voter.id,
      caller_e164: voter.phone,
      menus: ['polls', 'certificates'],
      outcomes: ['signed_in', 'voted', 'certificate_applied'],
      ended_at: new Date(),
      duration_seconds: 125,
    });
    const onTheLine = await insertCall({
      user_id: voter.id,
      caller_e164: voter.phone,
      menus: ['polls'],
      outcomes: ['signed_in'],
      state: JSON.stringify({ node: 'polls.confirm', data: { option: 'SECRET-OPTION-7' } }),
      answer: '<Response><Say>SECRET-PROMPT</Say></Response>',
    });

    const page = await admin.get(`${LOG}?lang=en`);
    expect(page.status).toBe(200);
    const rows = rowsOf(page.text);
    const real = rows.find((row) => row.caller.includes('Ειρήνη Βαρδάκη'))!;
    // A wrong PIN then the right one: both are in the log.
    expect(real.outcomes).toBe('Wrong PIN, Signed in');
    expect(real.menus).toBe('—');
    expect(real.duration).toBe('01:15');
    const voted = rows.find((row) => row.caller.includes('Νίκος') && row.duration === '02:05')!;
    expect(voted.menus).toBe('Polls, Certificates');
    expect(voted.outcomes).toBe('Signed in, Voted, Applied for a certificate');
    const live = rows.find((row) => row.id === onTheLine)!;
    expect(live.duration).toBe('In progress');
    // An admin without the counter's role sees the name, no link to the citizen's record.
    expect(real.link).toBeUndefined();

    const greek = rowsOf((await admin.get(`${LOG}?lang=el`)).text);
    expect(greek.find((row) => row.id === voted.id)!.menus).toBe('Ψηφοφορίες, Πιστοποιητικά');
    expect(greek.find((row) => row.id === voted.id)!.outcomes).toBe(
      'Σύνδεση, Ψήφος, Αίτηση πιστοποιητικού',
    );

    for (const html of [page.text, (await admin.get(`${LOG}?lang=el`)).text]) {
      for (const secret of [
        caller.pin,
        wrongPin,
        'SECRET-OPTION-7',
        'SECRET-PROMPT',
        'polls.confirm',
      ])
        expect(html).not.toContain(secret);
      // A signed-in caller is named by account, not number.
      expect(html).not.toContain(caller.phone.slice(3));
    }
  });

  it('masks the number of a caller who did not sign in, and says when it was withheld', async () => {
    const stranger = '+306977123456';
    const call = new PhoneCall(ctx.app, { from: stranger, baseUrl: ctx.deps.config.baseUrl });
    await call.dial();
    await call.silence();
    for (const pin of ['123456', '234567', '345678']) await call.press(pin);
    expect(call.screen?.hangup).toBe(true);
    const withheld = await insertCall({ caller_e164: null, outcomes: ['too_many_tries'] });
    const page = await admin.get(`${LOG}?lang=en`);
    const $ = cheerio.load(page.text);
    const row = rowsOf(page.text).find((r) => r.caller.includes('Number ending in 456'))!;
    expect(row.caller).toContain('+•••••••••456');
    expect(row.caller).toContain('Number ending in 456');
    expect(row.outcomes).toBe('Wrong PIN');
    expect(page.text).not.toContain('977123');
    expect($(`tr[data-call="${withheld}"] [data-caller]`).text()).toContain('Number withheld');
    expect($(`tr[data-call="${withheld}"] [data-outcomes]`).text()).toBe(
      'Too many invalid choices',
    );
  });

  it('links the account to its record for an admin who also works the counter', async () => {
    const caller = await phoneCitizen(ctx.db, { full_name: 'Ελένη Κατσαρού' });
    await signedInCall(ctx.app, ctx.deps.config.baseUrl, caller);
    const { agent } = await signedInStaff(ctx.app, ctx.db, ['admin', 'clerk']);
    const row = rowsOf((await agent.get(LOG)).text).find((r) => r.caller.includes('Κατσαρού'))!;
    expect(row.link).toBe(`/staff/citizens/${caller.id}`);
    expect((await agent.get(row.link!)).status).toBe(200);
  });
});

describe('the call log: pages and days', () => {
  it('pages 50 calls at a time, newest first, and takes any page value without failing', async () => {
    await ctx.db('phone_calls').delete();
    const base = Date.UTC(2026, 5, 1, 9, 0, 0);
    const ids: number[] = [];
    for (let i = 0; i < 120; i += 1)
      ids.push(
        await insertCall({
          started_at: new Date(base + i * 60_000),
          ended_at: new Date(base + i * 60_000 + 30_000),
          duration_seconds: 30,
          outcomes: ['pin_failed'],
        }),
      );
    const newestFirst = [...ids].reverse();
    const first = await admin.get(`${LOG}?lang=en`);
    expect(rowsOf(first.text).map((row) => row.id)).toEqual(newestFirst.slice(0, 50));
    expect(cheerio.load(first.text)('#call-count').text()).toBe('120 calls.');
    const $ = cheerio.load(first.text);
    expect($('.govuk-pagination__next a').attr('href')).toBe(`${LOG}?page=2`);
    const third = await admin.get(`${LOG}?page=3`);
    expect(rowsOf(third.text).map((row) => row.id)).toEqual(newestFirst.slice(100));
    expect(cheerio.load(third.text)('.govuk-pagination__next').length).toBe(0);
    // Times on Athens' clock (summer: UTC+3).
    expect(cheerio.load(third.text)(`tr[data-call="${ids[0]}"] time`).text()).toBe(
      '2026-06-01 12:00:00',
    );
    for (const value of ['abc', '0', '-1', '1e3', '2.5', '99999999999', '', '%E2%80%8B'])
      expect((await admin.get(`${LOG}?page=${value}`)).status, value).toBe(200);
    const past = await admin.get(`${LOG}?page=999`);
    expect(rowsOf(past.text).map((row) => row.id)).toEqual(newestFirst.slice(100));
    expect((await admin.get(`${LOG}?page=1&page=2`)).status).toBe(200);
    expect(rowsOf((await admin.get(`${LOG}?page=x`)).text)[0]!.id).toBe(newestFirst[0]);
  });

  it('shows one Athens day when asked, and says so when the day is not a date', async () => {
    await ctx.db('phone_calls').delete();
    // 23:30 UTC on 9 March is 01:30 on 10 March in Athens.
    const late = await insertCall({ started_at: new Date('2026-03-09T23:30:00Z') });
    const before = await insertCall({ started_at: new Date('2026-03-09T21:30:00Z') });
    const later = await insertCall({ started_at: new Date('2026-03-11T08:00:00Z') });
    expect(athensDate(new Date('2026-03-09T23:30:00Z'))).toBe('2026-03-10');
    const day = await admin.get(`${LOG}?date-day=10&date-month=3&date-year=2026&lang=en`);
    expect(day.status).toBe(200);
    expect(rowsOf(day.text).map((row) => row.id)).toEqual([late]);
    expect(cheerio.load(day.text)('#call-count').text()).toBe('1 call on 10 March 2026.');
    const earlier = await admin.get(`${LOG}?date-day=9&date-month=3&date-year=2026`);
    expect(rowsOf(earlier.text).map((row) => row.id)).toEqual([before]);
    const none = await admin.get(`${LOG}?date-day=1&date-month=1&date-year=2020&lang=en`);
    expect(cheerio.load(none.text)('#no-calls').text()).toBe('There are no calls on this day.');
    for (const query of ['date-day=31&date-month=2&date-year=2026', 'date-day=3&date-month=x']) {
      const bad = await admin.get(`${LOG}?${query}`);
      expect(bad.status, query).toBe(400);
      const $ = cheerio.load(bad.text);
      expect($('.govuk-error-summary a').attr('href')).toBe('#date-day');
      expect($('#calls').length).toBe(0);
    }
    const all = rowsOf((await admin.get(LOG)).text).map((row) => row.id);
    expect(all).toEqual([later, late, before]);
  });
});

describe('the phone simulator outside development', () => {
  it('does not exist in production', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: ctx.databaseUrl,
      SESSION_SECRET: 'b'.repeat(40),
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    const deps = createDeps(config, ctx.databaseUrl);
    try {
      const app = createApp(deps);
      expect((await request(ctx.app).get('/dev/phone')).status).toBe(200);
      for (const path of ['/dev/phone', `/dev/phone/recordings/RE${'0'.repeat(32)}`])
        expect((await request(app).get(path)).status, path).toBe(404);
    } finally {
      await deps.close();
    }
  });
});

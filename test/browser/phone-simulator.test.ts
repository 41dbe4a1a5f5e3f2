import * as cheerio from 'cheerio';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CITIZENS } from '../../src/features/accounts/accounts.demo.ts';
import { toneWav } from '../../src/features/phone/dev/recordings.stand-in.ts';
import { readAnswer } from '../../src/features/phone/dev/simulated-call.ts';
import { DEV_AUTH_TOKEN, phoneSettingsOf } from '../../src/features/phone/phone.config.ts';
import { twiml } from '../../src/features/phone/twiml.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import { createActiveUser, newAgent, postForm } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { phoneCitizen } from '../helpers/phone.ts';

let server: LiveServer;
let browser: Browser | undefined;
/** demo.citizen's number and PIN, on an account made here (tests have no demo data). */
const demo = DEMO_CITIZENS[0]!;
let demoId: number;
let other: { id: number; phone: string; pin: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    ({ id: demoId } = await createActiveUser(ctx.db, 'phone-demo', {
      full_name: demo.fullName,
      phone_e164: demo.phone,
      ivr_pin_hash: await hashSecret(demo.pin!),
    }));
    other = await phoneCitizen(ctx.db, { lang: 'en' });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const url = (path: string) => `${server.baseUrl}${path}`;

/** Presses a button of the call's form and waits for the page that answers it. */
async function press(page: Page, key: string): Promise<void> {
  await page.click(`#keypad button[value="${key}"]`);
  await page.waitForLoadState('load');
}

const prompt = async (page: Page) => (await page.textContent('#prompt'))?.replace(/\s+/g, ' ');

async function callOf(userId: number) {
  return (await server
    .db('phone_calls')
    .where({ user_id: userId })
    .orderBy('id', 'desc')
    .first()) as {
    menus: string[];
    outcomes: string[];
    ended_at: Date | null;
    duration_seconds: number | null;
  };
}

describe('the phone simulator in a browser', { timeout: 120_000 }, () => {
  it('calls from a demo number, signs in with its PIN and reaches a menu, with JavaScript', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url('/dev/phone?lang=en'));
    await expectAccessible(page);
    // The demo PINs are on the page, for trying it.
    expect(await page.textContent('#demo-callers')).toContain('246810');
    await page.selectOption('#caller', demo.phone!);
    await page.click('#dial button[type="submit"]');
    await page.waitForLoadState('load');

    // The greeting, in Greek, and "for English" in English.
    expect(await prompt(page)).toContain('Καλώς ήρθατε');
    expect(await page.getAttribute('#prompt p:last-child', 'lang')).toBe('en');
    expect(await page.textContent('#prompt p:last-child')).toBe('For English, press 9.');
    await expectAccessible(page);

    await press(page, 'silence');
    expect(await prompt(page)).toContain('εξαψήφιο κωδικό PIN');
    expect(await page.textContent('#typed')).toContain('6 digits');
    for (const [i, digit] of [...demo.pin!].entries()) {
      await press(page, digit);
      if (i < 5) expect(await page.textContent('#typed')).toContain(demo.pin!.slice(0, i + 1));
    }
    expect(await prompt(page)).toContain('Συνδεθήκατε');
    expect(await prompt(page)).toContain('πατήστε 3');
    expect((await callOf(demoId)).outcomes).toEqual(['signed_in']);

    await press(page, '1');
    expect(await page.textContent('#events')).toContain('You pressed 1');
    expect((await callOf(demoId)).menus).toContain('certificates');
    await expectAccessible(page);

    await press(page, 'hangup');
    expect(await page.textContent('#now')).toBe('The call has ended');
    expect(await page.textContent('#events')).toContain('You hung up');
    const ended = await callOf(demoId);
    expect(ended.ended_at).not.toBeNull();
    expect(ended.duration_seconds).not.toBeNull();
    // A new call can be made from the same page.
    expect(await page.isVisible('#dial')).toBe(true);
    await expectAccessible(page);
    await context.close();
  });

  it('works without JavaScript: another number, English, the PIN and the polls menu', async () => {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url('/dev/phone?lang=el'));
    await page.selectOption('#caller', 'other');
    // As people type it: national, with spaces.
    await page.fill('#number', `${other.phone.slice(3, 6)} ${other.phone.slice(6)}`);
    await page.click('#dial button[type="submit"]');
    await page.waitForLoadState('load');
    expect(await page.textContent('#now')).toContain('Στη γραμμή');

    await press(page, '9');
    expect(await prompt(page)).toContain('six-digit');
    for (const digit of other.pin) await press(page, digit);
    expect(await prompt(page)).toContain('press 3');
    await press(page, '3');
    expect((await callOf(other.id)).menus).toContain('polls');
    expect(await page.textContent('#events')).toContain('Πατήσατε 3');
    await press(page, 'hangup');
    expect((await callOf(other.id)).ended_at).not.toBeNull();
    await context.close();
  });
});

describe('the call log in a browser', { timeout: 60_000 }, () => {
  it('is accessible, with the calls the simulator made and with a day that is not a date', async () => {
    const admin = await createActiveUser(server.db, 'phone-log-admin', { roles: ['admin'] });
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInInBrowser(page, server.baseUrl, admin.username, admin.password, '?lang=en');
    await page.goto(url('/staff/phone'));
    expect(await page.textContent('#calls')).toContain(demo.fullName);
    await expectAccessible(page);
    await page.fill('#date-day', '31');
    await page.fill('#date-month', '2');
    await page.fill('#date-year', '2026');
    await page.click('form[action="/staff/phone"] button[type="submit"]');
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.textContent('#date-error')).toContain('real date');
    await expectAccessible(page);
    await context.close();
  });
});

describe('the phone simulator’s server side', () => {
  it('calls with a withheld number: the line asks for the number', async () => {
    const agent = newAgent(server.app);
    const call = await postForm(agent, '/dev/phone', '/dev/phone/call', { caller: 'withheld' });
    expect(call.status).toBe(303);
    const silence = await postForm(agent, '/dev/phone', '/dev/phone/key', { key: 'silence' });
    expect(silence.status).toBe(303);
    const $ = cheerio.load((await agent.get('/dev/phone?lang=en')).text);
    expect($('#now').text()).toContain('Number withheld');
    expect($('#prompt').text()).toContain('αριθμός σας δεν εμφανίζεται');
    expect($('#typed').text()).toContain('then the hash key');
    await postForm(agent, '/dev/phone', '/dev/phone/key', { key: 'hangup' });
  });

  it('refuses a caller it does not offer and a number that is not one, and ignores stray keys', async () => {
    const agent = newAgent(server.app);
    const before = Number((await server.db('phone_calls').count({ n: '*' }).first())!.n);
    const refused: Record<string, string>[] = [
      { caller: 'bogus' },
      { caller: '+306900000999' },
      { caller: 'other', number: 'not a number' },
      { caller: 'other', number: '1'.repeat(5000) },
      { caller: 'other' },
    ];
    for (const fields of refused) {
      const res = await postForm(agent, '/dev/phone?lang=en', '/dev/phone/call', fields);
      expect(res.status, JSON.stringify(fields).slice(0, 60)).toBe(400);
      expect(cheerio.load(res.text)('.govuk-error-summary').text()).toMatch(/Choose|valid phone/);
    }
    // No call: keys change nothing.
    for (const key of ['1', 'x', 'record', 'silence', 'hangup', ''])
      expect((await postForm(agent, '/dev/phone', '/dev/phone/key', { key })).status).toBe(303);
    // Without the form's token: refused.
    expect(
      (await agent.post('/dev/phone/call').type('form').send({ caller: 'withheld' })).status,
    ).toBe(403);
    const after = Number((await server.db('phone_calls').count({ n: '*' }).first())!.n);
    expect(after).toBe(before);
  });

  it('follows only the steps of our own webhooks, and reads a recording prompt', () => {
    const base = server.deps.config.baseUrl;
    const voices = { el: 'v-el', en: 'v-en' };
    const foreign = readAnswer(
      twiml(
        [
          { gather: { action: 'https://elsewhere.example/phone/step?n=2', timeout: 5, say: [] } },
          { redirect: `${base}/phone/voice` },
        ],
        voices,
      ),
      base,
    );
    expect(foreign.waiting).toBeUndefined();
    expect(foreign.redirect).toBeUndefined();
    const recording = readAnswer(
      twiml(
        [
          { say: { text: 'Μετά τον ήχο & <μιλήστε>', lang: 'el' } },
          {
            record: {
              action: `${base}/phone/step?n=7`,
              maxLength: 120,
              timeout: 5,
              finishOnKey: '#',
            },
          },
          { redirect: `${base}/phone/step?n=7` },
        ],
        voices,
      ),
      base,
    );
    expect(recording.says).toEqual([{ text: 'Μετά τον ήχο & <μιλήστε>', lang: 'el' }]);
    expect(recording.waiting).toEqual({ kind: 'recording', step: 7 });
    expect(recording.redirect).toBe(7);
  });

  it('stands in for the provider’s recordings, behind its account SID and token', async () => {
    const settings = phoneSettingsOf(server.deps.config);
    expect(settings.authToken).toBe(DEV_AUTH_TOKEN);
    // Outside production the recordings host is the portal's own.
    expect(settings.recordingsHost).toBe(new URL(server.baseUrl).host);
    const sid = `RE${'ab12'.repeat(8)}`;
    const path = `/dev/phone/recordings/${sid}`;
    const none = await request(server.app).get(path);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    const wrong = await request(server.app)
      .get(path)
      .auth(settings.accountSid, 'not-the-token-at-all');
    expect(wrong.status).toBe(401);
    const right = await request(server.app)
      .get(path)
      .auth(settings.accountSid, settings.authToken)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(right.status).toBe(200);
    expect(right.headers['content-type']).toMatch(/^audio\/wav/);
    const wav = right.body as Buffer;
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 16).toString('ascii')).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    // Between one and two seconds of sound, and not silence.
    const seconds = (wav.length - 44) / 2 / 8000;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(2);
    expect(
      Math.max(...Array.from({ length: 400 }, (_, i) => wav.readInt16LE(44 + 2000 + i * 2))),
    ).toBeGreaterThan(1000);
    expect(wav.equals(toneWav())).toBe(true);
    for (const bad of ['RE123', `CA${'0'.repeat(32)}`, `${sid}.mp3`])
      expect(
        (
          await request(server.app)
            .get(`/dev/phone/recordings/${bad}`)
            .auth(settings.accountSid, settings.authToken)
        ).status,
        bad,
      ).toBe(404);
  });
});

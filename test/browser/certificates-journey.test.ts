import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
  signInInBrowser,
} from '../helpers/browser.ts';
import {
  freshAfm,
  insertRollPerson,
  insertRollRecord,
  keylessP12,
} from '../helpers/certificates.ts';
import { insertDebt } from '../helpers/finance.ts';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
let server: LiveServer;
let browser: Browser;
let citizen: { username: string; password: string };
let unverified: { username: string; password: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    const afm = freshAfm();
    citizen = await createActiveUser(ctx.db, 'cert-journey', {
      identity_verified_at: new Date(),
      identity_channel: 'counter',
      afm,
      full_name: 'Γιώργος Μανωλάκης',
      address_street: 'Κονδυλάκη',
      address_number: '12',
      address_postcode: '72100',
      address_city: 'Άγιος Νικόλαος',
    });
    const record = await insertRollRecord(ctx.db);
    await insertRollPerson(ctx.db, record, { afm });
    await insertRollPerson(ctx.db, record, {
      relation: 'spouse',
      given_name: 'Κατερίνα',
      surname: 'Κουτάκη',
      sex: 'F',
    });
    // Something overdue: the certificate of no debt is refused, with what is owed.
    await insertDebt(ctx.db, { afm, amountCents: 4_500, dueDate: '2020-03-31' });
    unverified = await createActiveUser(ctx.db, 'cert-journey-plain');
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(
  user: { username: string; password: string },
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: DESKTOP,
    ...options,
  });
  const page = await context.newPage();
  await signInInBrowser(page, server.baseUrl, user.username, user.password);
  return { context, page };
}

/** Opens the page in both languages and runs axe on each; ends on the Greek one. */
async function accessibleInBoth(page: Page, where: string): Promise<void> {
  for (const lang of ['en', 'el']) {
    await page.goto(`${server.baseUrl}${where}${where.includes('?') ? '&' : '?'}lang=${lang}`);
    await expectAccessible(page);
  }
}

/** Clicks the download link and returns the file's name and bytes. */
async function download(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}

const submit = (page: Page) => page.click('form[action="/certificates"] button[type="submit"]');

describe('a verified citizen and their certificates', () => {
  it('applies for an instant registration certificate from the hub and downloads it', async () => {
    const { context, page } = await signedIn(citizen);
    await page.goto(`${server.baseUrl}/?lang=el`);
    await page.click('main a[href="/certificates"]');
    await page.waitForURL(/\/certificates$/);
    await accessibleInBoth(page, '/certificates');
    await page.click('a[href="/certificates/new?type=registration"]');
    await page.waitForURL(/\/certificates\/new\?type=registration$/);
    await accessibleInBoth(page, '/certificates/new?type=registration');
    expect(await page.isChecked('input[name="type"][value="registration"]')).toBe(true);
    // The account's address is offered for delivery by post.
    expect(await page.inputValue('#postAddress')).toBe('Κονδυλάκη 12, 72100 Άγιος Νικόλαος');

    await submit(page);
    await page.waitForSelector('.govuk-error-summary');
    await expectAccessible(page);
    expect(await page.textContent('#delivery-error')).toContain('Επιλέξτε πώς');
    await page.fill('#purpose', 'Για την εφορία');
    await page.check('#delivery');
    await submit(page);
    await page.waitForURL(/\/certificates\/CRT-\d{4}-\d{6}$/);
    const reference = new URL(page.url()).pathname.split('/')[2]!;
    expect(await page.textContent('.govuk-notification-banner')).toContain('εκδόθηκε');
    expect(await page.textContent('#status')).toBe('Εκδόθηκε');
    await expectAccessible(page);
    const file = await download(page);
    expect(file.name).toBe(`${reference}.pdf`);
    expect(file.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await accessibleInBoth(page, `/certificates/${reference}`);
    await accessibleInBoth(page, '/certificates');
    expect(await page.locator(`tr[data-reference="${reference}"]`).count()).toBe(1);

    // For the spouse: a clerk issues it; the page gives the deadline.
    await accessibleInBoth(page, '/certificates/new?type=family_status');
    await page.check('input[name="subject"]:not([value="self"])');
    await page.check('#delivery-pickup');
    await submit(page);
    await page.waitForURL(/\/certificates\/CRT-\d{4}-\d{6}$/);
    expect(await page.textContent('#status')).toBe('Υποβλήθηκε');
    expect(await page.isVisible('#deadline')).toBe(true);
    await expectAccessible(page);

    // No debt: refused while something is overdue, saying what.
    await page.goto(`${server.baseUrl}/certificates/new?type=no_debt&lang=en`);
    await page.check('#delivery');
    await submit(page);
    await page.waitForSelector('#owed-items');
    expect(await page.textContent('#owed-items')).toContain('45.00');
    await expectAccessible(page);
    await page.goto(`${server.baseUrl}/certificates/new?type=no_debt&lang=el`);
    await page.check('#delivery');
    await submit(page);
    await page.waitForSelector('#owed-items');
    await expectAccessible(page);
    await context.close();
  }, 240_000);

  it('works on a 390 px phone without JavaScript, the download included', async () => {
    const { context, page } = await signedIn(citizen, {
      javaScriptEnabled: false,
      viewport: PHONE,
    });
    for (const where of [
      '/certificates?lang=el',
      '/certificates/new?type=registration',
      '/certificates?lang=en',
    ]) {
      await page.goto(`${server.baseUrl}${where}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, where).toBeLessThanOrEqual(390);
    }
    await page.goto(`${server.baseUrl}/certificates/new?type=registration&lang=el`);
    await page.check('#delivery-pickup');
    await submit(page);
    await page.waitForURL(/\/certificates\/CRT-\d{4}-\d{6}$/);
    expect(await page.textContent('#delivery-state')).toContain('ΚΕΠ');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    const reference = new URL(page.url()).pathname.split('/')[2]!;
    const file = await download(page);
    expect(file.name).toBe(`${reference}.pdf`);
    expect(file.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await context.close();
  }, 90_000);

  it('explains to a citizen not yet checked how certificates open', async () => {
    const { context, page } = await signedIn(unverified);
    await accessibleInBoth(page, '/certificates');
    expect(await page.textContent('#not-verified')).toContain('ταυτοποίησή');
    await context.close();
  }, 90_000);
});

describe('when the seal cannot sign', () => {
  it('says so on an accessible page, in both languages', async () => {
    const file = path.join(tmpdir(), `keyless-seal-journey-${process.pid}-${Date.now()}.p12`);
    await writeFile(file, keylessP12('seal'));
    let user = { username: '', password: '' };
    const broken = await startLiveServer(
      async (ctx) => {
        const afm = freshAfm();
        user = await createActiveUser(ctx.db, 'cert-journey-seal', {
          identity_verified_at: new Date(),
          identity_channel: 'counter',
          afm,
        });
        await insertRollPerson(ctx.db, await insertRollRecord(ctx.db), { afm });
      },
      { CERTIFICATES_P12_PATH: file, CERTIFICATES_P12_PASSPHRASE: 'seal' },
    );
    try {
      const context = await browser.newContext({ viewport: DESKTOP });
      const page = await context.newPage();
      await signInInBrowser(page, broken.baseUrl, user.username, user.password);
      for (const lang of ['el', 'en']) {
        await page.goto(`${broken.baseUrl}/certificates/new?type=registration&lang=${lang}`);
        await page.check('#delivery');
        await submit(page);
        await page.waitForSelector('#seal-unavailable');
        await expectAccessible(page);
      }
      await context.close();
    } finally {
      await broken.stop();
    }
  }, 180_000);
});

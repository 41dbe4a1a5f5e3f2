import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/lib/passwords.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { STAFF_PASSWORD } from '../helpers/staff.ts';

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    await ctx.db('users').insert({
      username: 'a11y.admin',
      full_name: 'Διαχειρίστρια Πύλης',
      email: 'a11y.admin@example.gov.gr',
      password_hash: await hashSecret(STAFF_PASSWORD),
      status: 'active',
      roles: ['admin'],
      activated_at: new Date(),
    });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const WORDS = {
  el: { button: 'Αναφορά προβλήματος προσβασιμότητας', what: 'Γράψτε τι συνέβη' },
  en: { button: 'Report an accessibility problem', what: 'Enter what happened' },
} as const;

describe('the accessibility statement and its feedback form in a browser', () => {
  for (const lang of ['el', 'en'] as const)
    for (const javaScriptEnabled of [true, false])
      it(`take a report from the statement to the sent page, in ${lang}, ${javaScriptEnabled ? 'with JavaScript, passing axe' : 'without JavaScript'}`, async () => {
        const context = await browser.newContext({ javaScriptEnabled });
        const page = await context.newPage();
        // axe runs as a script in the page: without JavaScript the journey itself is the check.
        const check = () => (javaScriptEnabled ? expectAccessible(page) : Promise.resolve());
        await page.goto(`${server.baseUrl}/accessibility?lang=${lang}`);
        await check();
        await page.getByRole('button', { name: WORDS[lang].button }).click();
        await page.waitForURL((url) => url.pathname === '/accessibility/feedback');
        await check();
        // Sent empty: the error summary, then the report.
        await page.click('form[action="/accessibility/feedback"] button[type="submit"]');
        await page.waitForSelector('.govuk-error-summary');
        expect(await page.locator('.govuk-error-summary__list a').first().textContent()).toBe(
          WORDS[lang].what,
        );
        await check();
        const what = `Ο σύνδεσμος δεν διαβάζεται (${lang}, JS ${javaScriptEnabled})`;
        await page.fill('#what', what);
        await page.fill('#email', 'reader@example.gr');
        await page.click('form[action="/accessibility/feedback"] button[type="submit"]');
        await page.waitForURL((url) => url.pathname === '/accessibility/feedback/sent');
        await check();
        expect(await server.db('accessibility_feedback').where({ what }).first('email')).toEqual({
          email: 'reader@example.gr',
        });
        await context.close();
      }, 60_000);

  it('passes axe on the admins’ page, before and after a report is marked answered', async () => {
    await server.db('accessibility_feedback').insert({
      page: '/decisions',
      what: 'Το φίλτρο του έτους δεν έχει ετικέτα.\nΧρησιμοποιώ NVDA.',
      name: 'Νίκος',
      lang: 'el',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, 'a11y.admin', STAFF_PASSWORD, '?lang=en');
    await page.goto(`${server.baseUrl}/staff/accessibility-feedback?lang=en`);
    expect(await page.locator('[data-feedback]').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await page.locator('[data-feedback] form button').first().click();
    await page.waitForSelector('.govuk-notification-banner');
    await expectAccessible(page);
    await context.close();
  }, 60_000);
});

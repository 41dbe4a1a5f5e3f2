import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
  signInInBrowser,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser;
let username: string;
let good: Buffer;
let bad: Buffer;

beforeAll(async () => {
  good = await readFile(new URL('../../seeds/roll/roll.csv', import.meta.url));
  bad = await readFile(new URL('../../seeds/roll/roll-bad-rows.csv', import.meta.url));
  server = await startLiveServer(async (ctx) => {
    // The worker runs the import jobs, as `npm start` does.
    await startConfiguredMailWorker(ctx.deps, ctx.services);
    ({ username } = await signedInStaff(ctx.app, ctx.db, ['admin']));
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function upload(page: Page, file: Buffer, name: string) {
  await page.goto(`${server.baseUrl}/staff/roll`);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: file });
  await page.click('form[action="/staff/roll/imports"] button[type="submit"]');
  await page.waitForURL(/\/staff\/roll\/imports\/\d+$/);
  // The page reloads itself until the worker has finished.
  await page.waitForSelector(
    '.app-import-status.govuk-tag--green, .app-import-status.govuk-tag--red',
    { timeout: 20_000 },
  );
}

describe(
  'an admin imports the roll, reads the report and looks a family up',
  { timeout: 120_000 },
  () => {
    for (const [lang, width] of [
      ['el', 1280],
      ['en', 390],
    ] as const)
      it(`in ${lang} at ${width} px`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        await signInInBrowser(page, server.baseUrl, username, STAFF_PASSWORD, `?lang=${lang}`);
        await page.goto(`${server.baseUrl}/staff/roll`);
        await expectAccessible(page);

        // Without a file: the message next to the field.
        await page.click('form[action="/staff/roll/imports"] button[type="submit"]');
        await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
        expect(await page.locator('#file-error').textContent()).toContain(
          lang === 'el' ? 'Επιλέξτε το αρχείο CSV' : 'Choose the CSV file',
        );
        await expectAccessible(page);

        await upload(page, bad, 'bad.csv');
        expect(await page.locator('.app-import-status').textContent()).toBe(
          lang === 'el' ? 'Απορρίφθηκε' : 'Rejected',
        );
        const cells = await page.locator('table tbody tr').first().locator('td').allTextContents();
        expect(cells.slice(0, 2)).toEqual(['3', 'relation']);
        expect(await page.locator('a[href$="/report.csv"]').count()).toBe(1);
        await expectAccessible(page);

        await upload(page, good, 'roll.csv');
        expect(await page.locator('.app-import-status').textContent()).toBe(
          lang === 'el' ? 'Ολοκληρώθηκε' : 'Completed',
        );
        await expectAccessible(page);

        await page.goto(`${server.baseUrl}/staff/roll/search`);
        await page.fill('#q', 'Βασιλάκ');
        await page.click('form[action="/staff/roll/search"] button[type="submit"]');
        await page.waitForURL(/q=/);
        expect(await page.locator('.app-roll-results tbody tr').count()).toBe(2);
        await expectAccessible(page);

        await page.locator('.app-roll-results a').first().click();
        await page.waitForURL(/\/staff\/roll\/records\/\d+$/);
        expect(await page.locator('.app-roll-member').count()).toBe(2);
        await expectAccessible(page);
        await context.close();
      });

    it('works without JavaScript: the progress page has a link instead of refreshing itself', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await signInInBrowser(page, server.baseUrl, username, STAFF_PASSWORD, '?lang=el');
      await page.goto(`${server.baseUrl}/staff/roll`);
      await page.setInputFiles('#file', { name: 'again.csv', mimeType: 'text/csv', buffer: good });
      await page.click('form[action="/staff/roll/imports"] button[type="submit"]');
      await page.waitForURL(/\/staff\/roll\/imports\/\d+$/);
      for (let i = 0; i < 40; i += 1) {
        if ((await page.locator('.app-import-status.govuk-tag--green').count()) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
        await page.click('a:text("Ανανέωση της σελίδας")').catch(() => page.reload());
      }
      expect(await page.locator('.app-import-status').textContent()).toBe('Ολοκληρώθηκε');
      // The same file again: nothing changed, and the page says so.
      expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
        'δεν άλλαξε τίποτα',
      );
      await context.close();
    });
  },
);

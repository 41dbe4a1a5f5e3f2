import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { makeRf } from '../../src/lib/rf.ts';
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

const HEADER = 'source_id;afm;type;period;property;amount_cents;due_date;rf';
const GOOD = iconv.encode(
  `${HEADER}\r\nΟΦ-Β1;102938470;TAP;2026;Κουντούρου 12;8640;30/06/2026;\r\nΟΦ-Β2;102938470;WATER;2026;;2300;31/12/2026;\r\n`,
  'windows-1253',
);
const BAD = iconv.encode(`${HEADER}\r\nΟΦ-Β3;123;TAP;2026;;12,50;31/02/2026;\r\n`, 'windows-1253');

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    // The worker runs the import jobs, as `npm start` does.
    await startConfiguredMailWorker(ctx.deps, ctx.services);
    ({ username } = await signedInStaff(ctx.app, ctx.db, ['finance']));
    await ctx.db('payments').insert({
      bank_reference: 'ΑΛΦ-0001',
      rf: makeRf('99990001234567'),
      amount_cents: 5000,
      paid_at: new Date('2026-11-25T11:30:00Z'),
      outcome: 'unknown',
    });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function upload(page: Page, kind: string, file: Buffer, name: string) {
  await page.goto(`${server.baseUrl}/staff/finance`);
  await page.check(`input[name="kind"][value="${kind}"]`);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: file });
  await page.click('form[action="/staff/finance/imports"] button[type="submit"]');
  await page.waitForURL(/\/staff\/finance\/imports\/\d+$/);
  // The page reloads itself until the worker has finished.
  await page.waitForSelector(
    '.app-import-status.govuk-tag--green, .app-import-status.govuk-tag--red',
    {
      timeout: 20_000,
    },
  );
}

describe('the finance office imports a file and reads its report', () => {
  for (const [lang, width] of [
    ['el', 1280],
    ['en', 390],
  ] as const)
    it(`in ${lang} at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInInBrowser(page, server.baseUrl, username, STAFF_PASSWORD, `?lang=${lang}`);
      await page.goto(`${server.baseUrl}/staff/finance`);
      await expectAccessible(page);

      // Without a kind or a file: the messages next to the fields.
      await page.click('form[action="/staff/finance/imports"] button[type="submit"]');
      await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
      expect(await page.locator('#kind-error').textContent()).toContain(
        lang === 'el' ? 'Επιλέξτε το είδος' : 'Choose the kind',
      );
      await expectAccessible(page);

      await upload(page, 'debts', BAD, 'bad.csv');
      expect(await page.locator('.app-import-status').textContent()).toBe(
        lang === 'el' ? 'Απορρίφθηκε' : 'Rejected',
      );
      const cells = await page.locator('table tbody tr').first().locator('td').allTextContents();
      expect(cells.slice(0, 2)).toEqual(['2', 'afm']);
      expect(await page.locator('a[href$="/report.csv"]').count()).toBe(1);
      await expectAccessible(page);

      await upload(page, 'debts', GOOD, 'good.csv');
      expect(await page.locator('.app-import-status').textContent()).toBe(
        lang === 'el' ? 'Ολοκληρώθηκε' : 'Completed',
      );
      await expectAccessible(page);

      await page.goto(`${server.baseUrl}/staff/finance/payments`);
      expect(await page.locator('.govuk-summary-card').count()).toBe(1);
      await expectAccessible(page);
      await context.close();
    });

  it('works without JavaScript: the progress page has a link instead of refreshing itself', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, username, STAFF_PASSWORD);
    await page.goto(`${server.baseUrl}/staff/finance`);
    await page.check('input[name="kind"][value="debts"]');
    await page.setInputFiles('#file', { name: 'again.csv', mimeType: 'text/csv', buffer: GOOD });
    await page.click('form[action="/staff/finance/imports"] button[type="submit"]');
    await page.waitForURL(/\/staff\/finance\/imports\/\d+$/);
    for (let i = 0; i < 40; i += 1) {
      if ((await page.locator('.app-import-status.govuk-tag--green').count()) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.click('a:text("Ανανέωση της σελίδας")').catch(() => page.reload());
    }
    expect(await page.locator('.app-import-status').textContent()).toBe('Ολοκληρώθηκε');
    // The same file again: nothing new.
    expect(await page.locator('.govuk-summary-list').nth(1).textContent()).toMatch(
      /Εγγραφές χωρίς αλλαγή\s*2/,
    );
    await context.close();
  });
});

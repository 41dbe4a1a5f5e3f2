import { readFile } from 'node:fs/promises';
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
import { insertArrangement, insertDebt, insertDebtPayment } from '../helpers/finance.ts';

const AFM = '090000045';
let server: LiveServer;
let browser: Browser;
let citizen: { username: string; password: string };
let overdueDebt: { id: number; rf: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    citizen = await createActiveUser(ctx.db, 'dues-journey', {
      identity_verified_at: new Date(),
      identity_channel: 'counter',
      afm: AFM,
    });
    overdueDebt = await insertDebt(ctx.db, {
      afm: AFM,
      amountCents: 12_345,
      dueDate: '2020-03-31',
      property: 'Οδός Ρούσου Κούνδουρου 12, Άγιος Νικόλαος',
    });
    const partPaid = await insertDebt(ctx.db, {
      afm: AFM,
      type: 'CLEANING_LIGHTING',
      amountCents: 8_050,
      paidCents: 3_000,
      dueDate: '2099-09-30',
    });
    await insertDebtPayment(ctx.db, {
      debtId: partPaid.id,
      rf: partPaid.rf,
      amountCents: 3_000,
      paidAt: '2026-04-01T10:00:00Z',
    });
    await insertDebt(ctx.db, {
      afm: AFM,
      amountCents: 5_000,
      paidCents: 5_000,
      dueDate: '2021-01-31',
    });
    await insertArrangement(ctx.db, {
      afm: AFM,
      decidedOn: '2020-01-10',
      instalments: [
        { dueDate: '2020-02-28', amountCents: 4_000, paidCents: 4_000 },
        { dueDate: '2099-07-31', amountCents: 4_000 },
      ],
    });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  await signInInBrowser(page, server.baseUrl, citizen.username, citizen.password);
  return { context, page };
}

describe('a verified citizen and their municipal dues', () => {
  it('opens /dues from the hub, sees the debts, opens one and downloads the statement', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.baseUrl}/?lang=el`);
    await page.click('main a[href="/dues"]');
    await page.waitForURL(/\/dues$/);
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toContain('Δημοτικά τέλη');
    expect(await page.locator(`tr[data-debt="${overdueDebt.id}"] .govuk-tag`).textContent()).toBe(
      'Ληξιπρόθεσμη',
    );
    expect(await page.locator('#debt-status').textContent()).toContain('123,45');
    // The whole schedule opens without a script (<details>).
    await page.click('.govuk-details__summary');
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[href="/dues/statement.pdf"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^katastasi-ofeilon-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    await page.click(`tr[data-debt="${overdueDebt.id}"] a`);
    await page.waitForURL(new RegExp(`/dues/${overdueDebt.id}$`));
    await expectAccessible(page);
    // With a script the RF code gets its copy button.
    expect(await page.locator(`button[data-copy-rf="rf-${overdueDebt.id}"]`).isVisible()).toBe(
      true,
    );

    await page.goto(`${server.baseUrl}/dues?lang=en`);
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toContain('Municipal dues');
    await page.goto(`${server.baseUrl}/dues/${overdueDebt.id}`);
    await expectAccessible(page);
    expect(await page.locator('body').textContent()).toContain('There is no card payment');
    await context.close();
  });

  it('reads on a 390 px phone without sideways scrolling, and works without JavaScript', async () => {
    const { context, page } = await signedIn({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    for (const path of ['/dues?lang=el', `/dues/${overdueDebt.id}`, '/dues?lang=en']) {
      await page.goto(`${server.baseUrl}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
    }
    // Without a script the code is plain selectable text and the copy button stays hidden.
    await page.goto(`${server.baseUrl}/dues/${overdueDebt.id}`);
    expect(await page.locator(`#rf-${overdueDebt.id}`).textContent()).toBe(
      overdueDebt.rf.replace(/(.{4})(?=.)/g, '$1 '),
    );
    expect(await page.locator(`button[data-copy-rf="rf-${overdueDebt.id}"]`).isVisible()).toBe(
      false,
    );
    await context.close();
  });
});

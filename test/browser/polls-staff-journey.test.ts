import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';

let server: LiveServer;
let browser: Browser;
let editor: string;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    editor = (await signedInStaff(ctx.app, ctx.db, ['editor'])).username;
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * The poll's action buttons as a person sees them: side by side on one line at 1280 px (none
 * lower than another), each as wide as the group at 390 px.
 */
async function expectActionsLaidOut(page: Page): Promise<void> {
  const boxes = () =>
    page.$$eval('#poll-actions .govuk-button', (buttons) =>
      buttons.map((button) => {
        const box = button.getBoundingClientRect();
        const group = button.closest('#poll-actions')!.getBoundingClientRect();
        return {
          text: button.textContent!.trim(),
          top: box.top,
          width: box.width,
          group: group.width,
        };
      }),
    );
  await page.setViewportSize({ width: 1280, height: 900 });
  const wide = await boxes();
  for (const box of wide) expect(Math.abs(box.top - wide[0]!.top), box.text).toBeLessThan(1);
  await page.setViewportSize({ width: 390, height: 900 });
  for (const box of await boxes())
    expect(Math.abs(box.width - box.group), box.text).toBeLessThan(1);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the editors’ polls', () => {
  it('an editor writes a poll in the browser, corrects it, publishes it and finds it on the list', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await signInInBrowser(page, server.baseUrl, editor, STAFF_PASSWORD);
    await page.goto(`${server.baseUrl}/staff/polls?lang=el`);
    await page.click('#new-poll');
    await page.waitForSelector('#poll-form');
    await expectAccessible(page);

    // Sent half-done in English: the messages sit at their fields.
    await page.goto(`${server.baseUrl}/staff/polls/new?lang=en`);
    await page.fill('#questionEl', 'Να κλείνει η πλατεία για τα αυτοκίνητα τα Σαββατοκύριακα;');
    await page.fill('#option1LabelEl', 'Ναι');
    await page.check('#byPhone');
    await page.click('#poll-form button[type="submit"]');
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.textContent('#questionEn-error')).toContain('Enter the question in English');
    expect(await page.textContent('#option1SpokenEl-error')).toContain('short text for the phone');
    expect(await page.inputValue('#questionEl')).toContain('Σαββατοκύριακα');
    await expectAccessible(page);

    const now = new Date();
    const nextYear = String(now.getUTCFullYear() + 1);
    await page.goto(`${server.baseUrl}/staff/polls/new?lang=el`);
    await page.fill('#questionEl', 'Να κλείνει η πλατεία για τα αυτοκίνητα τα Σαββατοκύριακα;');
    await page.fill('#questionEn', 'Should the square close to cars at weekends?');
    await page.fill('#opensAt-day', '1');
    await page.fill('#opensAt-month', '1');
    await page.fill('#opensAt-year', String(now.getUTCFullYear() - 1));
    await page.fill('#closesAt-day', '31');
    await page.fill('#closesAt-month', '12');
    await page.fill('#closesAt-year', nextYear);
    await page.check('#byPhone');
    const options = [
      ['Ναι', 'Yes'],
      ['Όχι', 'No'],
    ];
    for (const [i, [el, en]] of options.entries()) {
      await page.fill(`#option${i + 1}LabelEl`, el!);
      await page.fill(`#option${i + 1}LabelEn`, en!);
      await page.fill(`#option${i + 1}SpokenEl`, el!);
      await page.fill(`#option${i + 1}SpokenEn`, en!);
    }
    await page.click('#poll-form button[type="submit"]');
    await page.waitForSelector('.govuk-notification-banner');
    expect(await page.textContent('#poll-status')).toBe('Πρόχειρη');

    await expectActionsLaidOut(page);
    await page.click('#publish-poll');
    await page.waitForSelector('.govuk-notification-banner');
    expect(await page.textContent('#poll-status')).toBe('Ανοιχτή');
    expect(await page.textContent('#poll-turnout')).toContain('Σύνολο: 0');
    // Back to draft, close early, delete: one group, one line, each full width on a phone.
    expect(await page.locator('#poll-actions .govuk-button').count()).toBe(3);
    await expectActionsLaidOut(page);
    await expectAccessible(page);
    const pollUrl = page.url();

    await page.goto(`${server.baseUrl}/staff/polls?lang=el`);
    const row = page.locator('#polls tbody tr').first();
    expect(await row.textContent()).toContain('Να κλείνει η πλατεία');
    expect(await row.locator('.app-poll-status').textContent()).toBe('Ανοιχτή');
    expect(await row.locator('.app-by-phone').textContent()).toBe('Και τηλεφωνικά');
    await expectAccessible(page);

    // Closed early: the reason is said to be public; then nothing to do but read the results.
    await page.goto(pollUrl);
    await page.click('#close-early');
    expect(await page.textContent('#reason-hint')).toContain('δημόσια με τα αποτελέσματα');
    await expectAccessible(page);
    await page.fill('#reason', 'Η πλατεία κλείνει για έργα.');
    await page.click('form[action$="/close"] button[type="submit"]');
    await page.waitForSelector('#poll-closed');
    expect(await page.locator('#poll-actions').count()).toBe(0);
    expect(await page.locator('#poll-frozen').count()).toBe(0);
    expect(await page.locator('#poll-results a').count()).toBe(3);
    await expectAccessible(page);
    await page.click('a[href$="/history"]');
    await page.waitForSelector('.app-history-entry');
    const history = await page.textContent('main');
    expect(history).toContain('Αιτιολογία πρόωρου κλεισίματος');
    expect(history).toContain('Η πλατεία κλείνει για έργα.');
    expect(history).not.toMatch(/closes_at|by_phone|options|null|true|false/);
    await expectAccessible(page);
    await context.close();
  }, 120_000);
});

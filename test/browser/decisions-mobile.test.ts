import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecision } from '../helpers/factories.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    for (let i = 1; i <= 24; i += 1) {
      await createDecision(ctx.db, {
        number: 500 + i,
        year: i % 2 ? 2025 : 2026,
        meeting_date: `${i % 2 ? 2025 : 2026}-05-${String(i).padStart(2, '0')}`,
        category: i % 3 ? 'oikonomika' : 'politismos',
        // The last one's subject holds control characters: the feed must still parse.
        subject:
          i === 24
            ? 'Συντήρηση\u0001 γηπέδου\u000B'
            : `Έγκριση δαπάνης για τη συντήρηση του δημοτικού γηπέδου, τμήμα ${i}`,
      });
    }
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PHONE = { width: 390, height: 844 };
/**
 * On a 390 px phone the first decision must show on the first screen (844 px tall, less the
 * browser's own bars): 700 px leaves room for them.
 */
const FIRST_SCREEN = 700;

const top = async (page: Page, selector: string) => {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not displayed`);
  return box.y + (await page.evaluate(() => window.scrollY));
};

describe('the decisions list on a phone, without JavaScript', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`shows the first decision on the first screen and keeps the filters one link away (${lang})`, async () => {
      const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/decisions?lang=${lang}`);
      const firstResult = await top(page, '.app-result');
      expect(firstResult).toBeLessThan(FIRST_SCREEN);
      // Of which this page's own part (title, lead, search box, count) takes under 450 px.
      expect(firstResult - (await top(page, 'main'))).toBeLessThan(450);
      // The search box stays above the results.
      expect(await top(page, '#q')).toBeLessThan(await top(page, '.app-result'));

      const toFilters = page.locator('a[href="#filters"]');
      expect(await toFilters.isVisible()).toBe(true);
      await toFilters.click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#filters');
      const year = page.locator('#year');
      await expect.poll(() => year.isVisible()).toBe(true);
      const box = (await year.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
      await year.selectOption('2025');
      await page.locator('#filters button[type="submit"]').click();
      await page.waitForURL((url) => url.searchParams.get('year') === '2025');
      expect(await page.locator('.app-result').count()).toBe(12);
      // The link now says one filter is applied.
      expect(await page.locator('a[href="#filters"]').textContent()).toMatch(/1/);
      await context.close();

      // axe runs as a script, so in a context that allows one.
      const withScript = await browser.newContext({ viewport: PHONE });
      const checked = await withScript.newPage();
      await checked.goto(`${server.baseUrl}/decisions?lang=${lang}&year=2025`);
      await expectAccessible(checked);
      await withScript.close();
    });
  }

  it('sets the filters beside the results on a wide screen, with no link to them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/decisions`);
    expect(await page.locator('a[href="#filters"]').isVisible()).toBe(false);
    const results = (await page.locator('.app-result').first().boundingBox())!;
    const filters = (await page.locator('#filters').boundingBox())!;
    expect(filters.x).toBeGreaterThanOrEqual(results.x + results.width);
    expect(filters.y).toBeLessThan(results.y);
    expect(results.y).toBeLessThan(900);
    await expectAccessible(page);
    await context.close();
  });
});

describe('the Atom feed in a real XML parser', () => {
  it('parses in both languages although a subject holds control characters', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/decisions`);
    for (const lang of ['el', 'en']) {
      const parsed = await page.evaluate(async (path) => {
        const text = await (await fetch(path)).text();
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          lang: doc.documentElement.getAttribute('xml:lang'),
          titles: [...doc.getElementsByTagName('entry')].map(
            (entry) => entry.getElementsByTagName('title')[0]?.textContent,
          ),
        };
      }, `/decisions/feed.atom?lang=${lang}`);
      expect(parsed.errors, lang).toBe(0);
      expect(parsed.lang).toBe(lang);
      expect(parsed.titles).toContain('524/2026: Συντήρηση γηπέδου');
    }
    await context.close();
  });
});

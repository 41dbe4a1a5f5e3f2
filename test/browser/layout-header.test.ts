import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const MENU = { el: 'Μενού', en: 'Menu' } as const;
const FIRST_LINK = { el: 'Αποφάσεις', en: 'Decisions' } as const;

async function open(
  lang: 'el' | 'en',
  options: { width: number; javaScriptEnabled: boolean; path?: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: options.width, height: 844 },
    javaScriptEnabled: options.javaScriptEnabled,
  });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}${options.path ?? '/'}?lang=${lang}`);
  return { context, page };
}

function intersects(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('the header on a phone (390 px)', () => {
  for (const lang of ['el', 'en'] as const) {
    for (const javaScriptEnabled of [true, false]) {
      it(`is compact, with a working menu button, in ${lang} ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
        const { context, page } = await open(lang, { width: 390, javaScriptEnabled });
        const header = page.locator('header.govuk-header');
        const menu = page.locator('summary', { hasText: MENU[lang] });
        const navigation = page.getByRole('navigation', {
          name: lang === 'el' ? 'Κύρια πλοήγηση' : 'Main navigation',
        });
        const firstLink = navigation.getByRole('link', { name: FIRST_LINK[lang], exact: true });

        expect((await header.boundingBox())!.height).toBeLessThan(150);
        const name = await page.locator('.govuk-header__logotype-text').boundingBox();
        const fontSize = 19; // the name's size below the desktop width, line-height 1.25
        expect(name!.height).toBeLessThanOrEqual(2 * fontSize * 1.25 + 1);
        expect(await menu.isVisible()).toBe(true);
        expect(await firstLink.isVisible()).toBe(false);

        const language = await page.locator('.app-lang-bar__link').boundingBox();
        const banner = await page.locator('.govuk-phase-banner').boundingBox();
        expect(intersects(language!, banner!)).toBe(false);

        // The keyboard opens the menu, and the next Tab reaches its first link.
        await menu.focus();
        await page.keyboard.press('Enter');
        expect(await firstLink.isVisible()).toBe(true);
        await page.keyboard.press('Tab');
        expect(await firstLink.evaluate((el) => el === document.activeElement)).toBe(true);
        await page.keyboard.press('Enter');
        await page.waitForURL((url) => url.pathname === '/decisions');

        // Closing it again folds the navigation away.
        await menu.click();
        await menu.click();
        expect(await page.locator('details.app-menu').getAttribute('open')).toBeNull();
        expect(await firstLink.isVisible()).toBe(false);
        await context.close();
      });
    }
  }

  it('passes axe with the menu closed and open', { timeout: 90_000 }, async () => {
    for (const lang of ['el', 'en'] as const) {
      const { context, page } = await open(lang, { width: 390, javaScriptEnabled: true });
      await expectAccessible(page);
      await page.locator('summary', { hasText: MENU[lang] }).click();
      await expectAccessible(page);
      await context.close();
    }
  });
});

describe('the header on a desktop (1280 px)', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`shows the navigation without a menu button ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      for (const lang of ['el', 'en'] as const) {
        const { context, page } = await open(lang, { width: 1280, javaScriptEnabled });
        expect(await page.locator('summary', { hasText: MENU[lang] }).isVisible()).toBe(false);
        const links = page.locator('.govuk-header__navigation-item a');
        expect(await links.count()).toBeGreaterThan(2);
        for (const link of await links.all()) expect(await link.isVisible()).toBe(true);
        // One row beside the service name, as before the menu button existed.
        const tops = await Promise.all(
          (await links.all()).map(async (link) => (await link.boundingBox())!.y),
        );
        expect(new Set(tops).size).toBe(1);
        expect((await page.locator('header.govuk-header').boundingBox())!.height).toBeLessThan(110);
        await context.close();
      }
    });
  }
});

describe('GOV.UK prevent-double-click', () => {
  it('marks the submit buttons of forms that post, and sends a double-clicked form once', async () => {
    const { context, page } = await open('el', {
      width: 1280,
      javaScriptEnabled: true,
      path: '/login',
    });
    const submit = page.locator('main form[method="post"] button[type="submit"]').first();
    await page.locator('main form[method="post"] [data-govuk-button-init]').first().waitFor();
    expect(await submit.getAttribute('data-module')).toBe('govuk-button');
    expect(await submit.getAttribute('data-prevent-double-click')).toBe('true');

    // The answer is held back, as on a slow line, while the citizen clicks a second time.
    const posts: string[] = [];
    await page.route('**/login', async (route) => {
      if (route.request().method() === 'POST') {
        posts.push(route.request().url());
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
      await route.continue();
    });
    // Two clicks 150 ms apart, as a double-click: the first request is out before the second click.
    await submit.evaluate((button: HTMLElement) => {
      button.click();
      setTimeout(() => button.click(), 150);
    });
    await page.waitForTimeout(300);
    await page.waitForLoadState('load');
    await page.waitForTimeout(800);
    expect(posts).toHaveLength(1);
    await context.close();
  });

  it('leaves forms that only search alone', async () => {
    const { context, page } = await open('el', {
      width: 1280,
      javaScriptEnabled: true,
      path: '/decisions',
    });
    await page.locator('[data-govuk-skip-link-init]').waitFor({ state: 'attached' });
    const searchButtons = page.locator('form:not([method="post"]) button');
    expect(await searchButtons.count()).toBeGreaterThan(0);
    for (const button of await searchButtons.all())
      expect(await button.getAttribute('data-prevent-double-click')).toBeNull();
    await context.close();
  });
});

import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { insertRequest } from '../helpers/requests.ts';

let server: LiveServer;
let browser: Browser;
const refs: Record<'exact' | 'street' | 'filter', string> = { exact: '', street: '', filter: '' };

beforeAll(async () => {
  server = await startLiveServer(
    async (ctx) => {
      const citizen = await createActiveUser(ctx.db, 'public-list-browser');
      await ctx.db('request_categories').where({ slug: 'pavement' }).update({
        public_location: 'street',
      });
      // Filed now (the live server's clock): on the list whatever the day.
      const now = new Date();
      refs.exact = (
        await insertRequest(ctx.db, citizen.id, 'pothole', {
          title: 'Λακκούβα στην Κουντούρου',
          lat: 35.1911,
          lng: 25.7164,
          public: true,
          show_name: true,
          created_at: now,
        })
      ).url;
      refs.street = (
        await insertRequest(ctx.db, citizen.id, 'pavement', {
          title: 'Σπασμένο πεζοδρόμιο',
          address: 'Ρούσου Κουντούρου 12',
          lat: 35.1899,
          lng: 25.7188,
          public: true,
          created_at: now,
        })
      ).url;
      refs.filter = (
        await insertRequest(ctx.db, citizen.id, 'light-out', {
          title: 'Σβηστός λαμπτήρας',
          address: 'Πλατεία Ηρώων',
          public: true,
          created_at: now,
        })
      ).url;
    },
    // The test app's own stand-in tiles: no request leaves the machine.
    { MAP_TILE_URL: '/dev/tiles/{z}/{x}/{y}.png', MAP_ATTRIBUTION: 'Test tiles' },
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(options: BrowserContextOptions = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

const listedTitles = (page: Page) => page.locator('.app-public-requests h3 a').allTextContents();

describe('the public list in a browser', { timeout: 60_000 }, () => {
  it('passes axe in both languages, with its map of exact points only, and breaks no policy', async () => {
    const { context, page, problems } = await open();
    try {
      for (const [lang, heading] of [
        ['el', 'Γνωστά προβλήματα'],
        ['en', 'Known problems'],
      ] as const) {
        await page.goto(`${server.baseUrl}/requests/public?lang=${lang}`);
        expect(await page.textContent('h1')).toBe(heading);
        await page.waitForSelector('#public-requests-map .leaflet-tile-loaded');
        // One marker: the pavement's category shows only its street.
        const markers = page.locator('#public-requests-map .leaflet-marker-icon');
        expect(await markers.count()).toBe(1);
        expect(await markers.first().getAttribute('alt')).toContain('Λακκούβα στην Κουντούρου');
        expect(await page.textContent('.leaflet-control-attribution')).toContain('Test tiles');
        await expectAccessible(page);
        await page.goto(`${server.baseUrl}/requests/public/${refs.exact}?lang=${lang}`);
        await page.waitForSelector('#public-requests-map .leaflet-marker-icon');
        await expectAccessible(page);
        await page.goto(`${server.baseUrl}/requests/public/${refs.street}?lang=${lang}`);
        expect(await page.locator('#public-requests-map').count()).toBe(0);
        await expectAccessible(page);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens a request from its marker', async () => {
    const { context, page } = await open();
    try {
      await page.goto(`${server.baseUrl}/requests/public?lang=en`);
      await page.click('#public-requests-map .leaflet-marker-icon');
      await page.click('.leaflet-popup-content a');
      await page.waitForURL(`**/requests/public/${refs.exact}`);
      expect(await page.textContent('h1')).toBe('Λακκούβα στην Κουντούρου');
    } finally {
      await context.close();
    }
  });

  it('lists and filters without JavaScript, with no map', async () => {
    const { context, page } = await open({ javaScriptEnabled: false });
    try {
      await page.goto(`${server.baseUrl}/requests/public?lang=en`);
      expect(await page.isVisible('#public-requests-map')).toBe(false);
      expect(await listedTitles(page)).toHaveLength(3);
      await page.selectOption('#category', 'light-out');
      await page.click('#filters button[type="submit"]');
      await page.waitForURL(/category=light-out/);
      expect(await listedTitles(page)).toEqual([`ΑΙΤ-${refs.filter}: Σβηστός λαμπτήρας`]);
      await page.fill('#area', 'κουντουρου');
      await page.selectOption('#category', '');
      await page.click('#filters button[type="submit"]');
      await page.waitForURL(/area=/);
      expect((await listedTitles(page)).sort()).toEqual(
        [
          `ΑΙΤ-${refs.exact}: Λακκούβα στην Κουντούρου`,
          `ΑΙΤ-${refs.street}: Σπασμένο πεζοδρόμιο`,
        ].sort(),
      );
    } finally {
      await context.close();
    }
  });
});

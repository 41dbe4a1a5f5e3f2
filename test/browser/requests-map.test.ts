import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

// The municipality's default bounding box (requests.config.ts).
const BOX = { south: 34.95, west: 25.45, north: 35.35, east: 25.95 };
const inside = (lat: number, lng: number) =>
  lat >= BOX.south && lat <= BOX.north && lng >= BOX.west && lng <= BOX.east;

let server: LiveServer;
let browser: Browser;
/** A citizen's signed-in cookies, given to each test's browser context (one sign-in for all). */
let signedInState: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  let citizen: { username: string; password: string } | undefined;
  server = await startLiveServer(
    async (ctx) => {
      citizen = await createActiveUser(ctx.db, 'map-browser');
    },
    // The test app's own stand-in: no request leaves the machine.
    { MAP_TILE_URL: '/dev/tiles/{z}/{x}/{y}.png', MAP_ATTRIBUTION: 'Test tiles' },
  );
  browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#login', citizen!.username);
  await page.fill('#password', citizen!.password);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  signedInState = await context.storageState();
  await context.close();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and refused loads (a CSP violation is both). */
  problems: string[];
}

async function signedIn(options: BrowserContextOptions = {}): Promise<Session> {
  const context = await browser.newContext({ ...options, storageState: signedInState });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

/** Clicks the map this many pixels from its centre (the centre of the municipality). */
async function clickMap(page: Page, dx: number, dy: number): Promise<void> {
  const box = (await page.locator('#location-map').boundingBox())!;
  await page.click('#location-map', {
    position: { x: box.width / 2 + dx, y: box.height / 2 + dy },
  });
}

async function coordinates(page: Page): Promise<{ lat: string; lng: string }> {
  return { lat: await page.inputValue('#lat'), lng: await page.inputValue('#lng') };
}

function expectPointInside({ lat, lng }: { lat: string; lng: string }): void {
  expect(lat).toMatch(/^\d+(\.\d{1,6})?$/);
  expect(lng).toMatch(/^\d+(\.\d{1,6})?$/);
  expect(inside(Number(lat), Number(lng)), `${lat}, ${lng}`).toBe(true);
}

async function continueToStep2(page: Page, category: string): Promise<void> {
  await page.selectOption('#category', { label: category });
  await page.click('form[action="/requests/new"] button[type="submit"]');
  await page.waitForURL(/\/requests\/new\/(details|similar)$/);
}

// A browser on a busy two-core machine: more time than the default for each journey.
describe('the map on the first step', { timeout: 60_000 }, () => {
  it('is drawn with the stand-in tiles, passes axe in both languages, and breaks no policy', async () => {
    const { context, page, problems } = await signedIn();
    try {
      for (const [lang, mentions] of [
        ['el', /χάρτη/],
        ['en', /map/],
      ] as const) {
        await page.goto(`${server.baseUrl}/requests/new?lang=${lang}`);
        await page.waitForSelector('#location-map .leaflet-tile-loaded');
        expect(await page.textContent('#coordinates-hint')).toMatch(mentions);
        const map = page.locator('#location-map');
        expect(await map.getAttribute('role')).toBe('region');
        expect(await map.getAttribute('aria-label')).toMatch(mentions);
        expect(await map.getAttribute('tabindex')).toBe('0');
        expect(await page.textContent('.leaflet-control-attribution')).toContain('Test tiles');
        await expectAccessible(page);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fills latitude and longitude from a click, moves its marker for typed ones, and goes on to step 2', async () => {
    const { context, page, problems } = await signedIn();
    try {
      await page.goto(`${server.baseUrl}/requests/new?lang=en`);
      await page.waitForSelector('#location-map .leaflet-tile-loaded');
      expect(await coordinates(page)).toEqual({ lat: '', lng: '' });
      await clickMap(page, -40, -30);
      const clicked = await coordinates(page);
      expectPointInside(clicked);
      expect(await page.textContent('#location-tools [role="status"]')).toContain(
        `Point chosen: ${clicked.lat}, ${clicked.lng}`,
      );
      const marker = page.locator('#location-map .leaflet-marker-icon');
      expect(await marker.getAttribute('alt')).toBe('The point you chose');
      const before = await marker.boundingBox();

      // A second click elsewhere moves the one marker.
      await clickMap(page, 50, 40);
      const moved = await coordinates(page);
      expect(moved).not.toEqual(clicked);
      expect(await marker.count()).toBe(1);
      expect(await marker.boundingBox()).not.toEqual(before);

      // Beside the municipality (the map shows a little of it) nothing is chosen.
      const width = (await page.locator('#location-map').boundingBox())!.width;
      await clickMap(page, width / 2 - 15, 0);
      expect(await coordinates(page)).toEqual(moved);
      expect(await page.textContent('#location-tools [role="status"]')).toContain(
        'outside the municipality',
      );

      // Typed coordinates move the marker too, and answer the message; cleared ones remove it.
      const afterClick = await marker.boundingBox();
      await page.fill('#lat', '35.1911');
      await page.fill('#lng', '25.7164');
      expect(await marker.boundingBox()).not.toEqual(afterClick);
      expect(await page.textContent('#location-tools [role="status"]')).toBe('');
      await page.fill('#lat', '');
      expect(await marker.count()).toBe(0);
      await page.fill('#lat', '35.1911');
      expect(await marker.count()).toBe(1);

      // A click inside after one outside replaces the message with the point chosen.
      await clickMap(page, width / 2 - 15, 0);
      expect(await page.textContent('#location-tools [role="status"]')).toContain(
        'outside the municipality',
      );
      await clickMap(page, 10, 10);
      const status = await page.textContent('#location-tools [role="status"]');
      expect(status).toContain('Point chosen');
      expect(status).not.toContain('outside');

      // So does dragging the marker back inside after a drag beyond the municipality.
      const mapBox = (await page.locator('#location-map').boundingBox())!;
      const dragTo = async (x: number, y: number) => {
        const at = (await marker.boundingBox())!;
        await page.mouse.move(at.x + at.width / 2, at.y + at.height - 5);
        await page.mouse.down();
        await page.mouse.move(x, y, { steps: 8 });
        await page.mouse.up();
      };
      const beforeDrag = await coordinates(page);
      await dragTo(mapBox.x + mapBox.width - 15, mapBox.y + mapBox.height / 2);
      expect(await page.textContent('#location-tools [role="status"]')).toContain(
        'outside the municipality',
      );
      expect(await coordinates(page)).toEqual(beforeDrag);
      await dragTo(mapBox.x + mapBox.width / 2 - 30, mapBox.y + mapBox.height / 2 + 20);
      expect(await page.textContent('#location-tools [role="status"]')).toContain('Point chosen');
      expect(await coordinates(page)).not.toEqual(beforeDrag);

      await continueToStep2(page, 'Pothole');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works from the keyboard without trapping focus', async () => {
    const { context, page } = await signedIn();
    try {
      await page.goto(`${server.baseUrl}/requests/new?lang=en`);
      await page.waitForSelector('#location-map .leaflet-tile-loaded');
      await page.focus('#location-map');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      expectPointInside(await coordinates(page));
      let reached = false;
      for (let n = 0; n < 12 && !reached; n += 1) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'lat');
      }
      expect(reached).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('still lets the form work when the tiles do not load', async () => {
    const { context, page } = await signedIn();
    let blocked = 0;
    await context.route('**/dev/tiles/**', (route) => {
      blocked += 1;
      return route.abort();
    });
    try {
      await page.goto(`${server.baseUrl}/requests/new?lang=el`);
      await page.waitForSelector('#location-map .leaflet-tile', { state: 'attached' });
      expect(blocked).toBeGreaterThan(0);
      await clickMap(page, 20, -20);
      expectPointInside(await coordinates(page));
      await continueToStep2(page, 'Λακκούβα');
    } finally {
      await context.close();
    }
  });

  it('fills the fields from "use my location", and says so when it is outside the municipality', async () => {
    const { context, page } = await signedIn({
      permissions: ['geolocation'],
      geolocation: { latitude: 35.18765432, longitude: 25.71234567 },
    });
    try {
      await page.goto(`${server.baseUrl}/requests/new?lang=en`);
      await page.click('button:has-text("Use my location")');
      await page.waitForFunction(() => (document.querySelector('#lat') as HTMLInputElement).value);
      expect(await coordinates(page)).toEqual({ lat: '35.187654', lng: '25.712346' });
      await page.waitForSelector('#location-map .leaflet-marker-icon');

      await context.setGeolocation({ latitude: 37.9838, longitude: 23.7275 });
      await page.fill('#lat', '');
      await page.fill('#lng', '');
      await page.click('button:has-text("Use my location")');
      await page.waitForFunction(() =>
        document.querySelector('#location-tools [role="status"]')?.textContent?.includes('outside'),
      );
      expect(await coordinates(page)).toEqual({ lat: '', lng: '' });

      // Back inside, the location replaces the message.
      await context.setGeolocation({ latitude: 35.19, longitude: 25.72 });
      await page.click('button:has-text("Use my location")');
      await page.waitForFunction(() =>
        document.querySelector('#location-tools [role="status"]')?.textContent?.includes('chosen'),
      );
      expect(await page.textContent('#location-tools [role="status"]')).not.toContain('outside');
      expect(await coordinates(page)).toEqual({ lat: '35.19', lng: '25.72' });
    } finally {
      await context.close();
    }
  });

  it('refuses a typed point outside the municipality with the message at the field', async () => {
    const { context, page } = await signedIn();
    try {
      for (const [lang, category, message] of [
        ['el', 'Λακκούβα', 'εκτός των ορίων του δήμου'],
        ['en', 'Pothole', 'outside the municipality'],
      ] as const) {
        await page.goto(`${server.baseUrl}/requests/new?lang=${lang}`);
        await page.waitForSelector('#location-map .leaflet-tile-loaded');
        await page.fill('#lat', '37.9838');
        await page.fill('#lng', '23.7275');
        expect(await page.locator('#location-map .leaflet-marker-icon').count()).toBe(0);
        await page.selectOption('#category', { label: category });
        await page.click('form[action="/requests/new"] button[type="submit"]');
        await page.waitForSelector('#lat-error');
        expect(await page.textContent('#lat-error')).toContain(message);
        expect(await page.inputValue('#lat')).toBe('37.9838');
        await expectAccessible(page);
      }
    } finally {
      await context.close();
    }
  });
});

describe('the first step without JavaScript', { timeout: 60_000 }, () => {
  it('has the fields alone, a hint without a map, and still goes on to step 2', async () => {
    const { context, page } = await signedIn({ javaScriptEnabled: false });
    try {
      for (const lang of ['el', 'en']) {
        await page.goto(`${server.baseUrl}/requests/new?lang=${lang}`);
        expect(await page.isVisible('#location-tools')).toBe(false);
        expect(await page.locator('#location-map').count()).toBe(0);
        expect(await page.locator('#location-tools button').count()).toBe(0);
        expect(await page.textContent('#coordinates-hint')).not.toMatch(/map|χάρτ/i);
      }
      await page.fill('#lat', '35.1911');
      await page.fill('#lng', '25.7164');
      await continueToStep2(page, 'Pothole');
    } finally {
      await context.close();
    }
  });

  it('passes axe in both languages as it is before any script of ours runs', async () => {
    // axe needs JavaScript: the page's own enhancement is kept from loading instead.
    const { context, page } = await signedIn();
    await context.route('**/assets/js/request-map.*', (route) => route.abort());
    try {
      for (const lang of ['el', 'en']) {
        await page.goto(`${server.baseUrl}/requests/new?lang=${lang}`);
        expect(await page.isVisible('#location-tools')).toBe(false);
        await expectAccessible(page);
      }
    } finally {
      await context.close();
    }
  });
});

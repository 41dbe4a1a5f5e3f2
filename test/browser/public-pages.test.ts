import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/db/seed.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser;
let paths: string[];
// axe over every page type takes a while on a busy two-core machine.

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    await seedDemoData(ctx.db, ctx.deps.documents, {
      municipality: 'Δήμος Αγίου Νικολάου',
      today: new Date('2026-11-21T10:00:00Z'),
    });
  });
  browser = await launchBrowser();
  const decision = (await server.db('decisions').where('status', 'published').first('id')) as {
    id: number;
  };
  const benefit = (await server.db('benefits').first('slug')) as { slug: string };
  const health = (await server.db('health_services').first('slug')) as { slug: string };
  paths = [
    '/',
    '/decisions',
    `/decisions?q=${encodeURIComponent('προυπολογισμος')}`,
    '/decisions?year=abc',
    `/decisions/${decision.id}`,
    '/benefits',
    `/benefits/${benefit.slug}`,
    '/health',
    `/health/${health.slug}`,
    '/accessibility',
    '/accessibility/feedback',
    '/privacy',
    '/contact',
    '/missing-page',
  ];
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('public pages in a browser', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`every public page type passes axe (WCAG 2.1 AA) in ${lang}`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      for (const path of paths) {
        const url = `${server.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
        await page.goto(url);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        await expectAccessible(page);
      }
      await context.close();
    }, 120_000);
  }

  it('every public page type passes axe on a phone (390 px) with the menu open', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.locator('summary', { hasText: 'Μενού' }).click();
      expect(await page.getByRole('link', { name: 'Επιδόματα', exact: true }).isVisible()).toBe(
        true,
      );
      await expectAccessible(page);
    }
    await context.close();
  }, 120_000);

  it('follows a search to a decision and its document, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('link', { name: 'Αποφάσεις Δημοτικού Συμβουλίου' }).first().click();
    await page.waitForURL((url) => url.pathname === '/decisions');
    await page.getByLabel('Αναζήτηση στο θέμα και την περίληψη').fill('προυπολογισμος');
    await page.getByRole('button', { name: 'Αναζήτηση' }).click();
    await page.waitForURL((url) => url.searchParams.has('q'));
    expect(page.url()).toContain(
      'q=%CF%80%CF%81%CE%BF%CF%85%CF%80%CE%BF%CE%BB%CE%BF%CE%B3%CE%B9%CF%83%CE%BC%CE%BF%CF%82',
    );
    const first = page.locator('.app-result h3 a').first();
    expect(await first.locator('mark').count()).toBeGreaterThan(0);
    const subject = (await first.textContent())?.trim() ?? '';
    expect(subject.toLowerCase()).toContain('προϋπολογισμ');
    await first.click();
    await page.waitForURL((url) => /^\/decisions\/\d+$/.test(url.pathname));
    expect((await page.locator('h1').textContent())?.trim()).toBe(subject);
    const download = page.getByRole('link', { name: /\(PDF\)/ });
    const response = await page.request.get(
      new URL((await download.getAttribute('href'))!, server.baseUrl).toString(),
    );
    expect(response.headers()['content-type']).toBe('application/pdf');
    await context.close();
  });

  it('switches language and stays on the same page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/benefits`);
    await page.getByRole('link', { name: 'Read this page in English' }).click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
    expect(new URL(page.url()).pathname).toBe('/benefits');
    expect(await page.locator('h1').textContent()).toBe('Social benefits');
    await page.goto(`${server.baseUrl}/health`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.close();
  });
});

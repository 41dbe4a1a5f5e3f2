import { AxeBuilder } from '@axe-core/playwright';
import { freePort } from './free-port.ts';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createHttpServer } from '../../src/http-server.ts';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { createTestContext, type TestContext } from './test-app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface LiveServer extends TestContext {
  baseUrl: string;
  stop: () => Promise<void>;
}

/** The app listening on a free port over its own database, for a real browser. */
export async function startLiveServer(
  prepare?: (ctx: TestContext) => Promise<void>,
  env: Record<string, string> = {},
  extraFeatures: Feature[] = [],
): Promise<LiveServer> {
  // The port is chosen first so that links in emails (BASE_URL) point at this server.
  const port = await freePort();
  const ctx = await createTestContext(
    { BASE_URL: `http://127.0.0.1:${port}`, ...env },
    { extraFeatures },
  );
  if (prepare) await prepare(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(ctx.app).listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    ...ctx,
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ctx.close();
    },
  };
}

/** Runs axe with the WCAG 2.1 A and AA rules and fails with the list of violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    // Run in the page itself: the default opens a blank page per analysis to merge the results
    // of frames (seconds a page on two cores), and our pages have no frames to merge.
    .setLegacyMode(true)
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, `axe on ${page.url()}`).toEqual([]);
}

/** Signs in through the sign-in form (`query`: e.g. '?lang=en') and waits to leave it. */
export async function signInInBrowser(
  page: Page,
  baseUrl: string,
  login: string,
  password: string,
  query = '',
): Promise<void> {
  await page.goto(`${baseUrl}/login${query}`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

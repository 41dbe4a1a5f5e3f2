import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../helpers/accounts.ts';
import { launchBrowser, startLiveServer, type LiveServer } from '../helpers/browser.ts';

// Issue 7, item 4: after signing out, the browser's Back button must not show the account page.
let server: LiveServer;
let browser: Browser;
let user: { username: string; password: string };
beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    user = await createActiveUser(ctx.db, 'back1', { full_name: 'Ελένη Σπυριδάκη' });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Back after sign-out', () => {
  it('does not show the account page again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.fill('#login', user.username);
    await page.fill('#password', user.password);
    await page.click('main button[type="submit"]');
    await page.goto(`${server.baseUrl}/account`);
    await expect.poll(() => page.textContent('main')).toContain('Ελένη Σπυριδάκη');
    await page.click('header form[action="/logout"] button');
    await page.waitForURL((url) => !url.pathname.startsWith('/account'));
    await page.goBack();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).not.toContain('Ελένη Σπυριδάκη');
    await context.close();
  });
});

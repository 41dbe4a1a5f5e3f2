import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

const HANDLER_PASSWORD = 'Harbour-Lamp-Pothole-Route-2026';
let server: LiveServer;
let browser: Browser;
let citizen: { username: string; password: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    await startConfiguredMailWorker(ctx.deps, ctx.services);
    citizen = await createActiveUser(ctx.db, 'journey-citizen');
    const [handler] = (await ctx
      .db('users')
      .insert({
        username: 'journey.handler',
        full_name: 'Νίκος Χειριστής',
        email: 'journey.handler@example.gov.gr',
        password_hash: await hashSecret(HANDLER_PASSWORD),
        status: 'active',
        roles: ['handler'],
        activated_at: new Date(),
      })
      .returning('id')) as { id: number }[];
    const departments = (await ctx.db('departments').pluck('id')) as number[];
    await ctx
      .db('department_handlers')
      .insert(departments.map((id) => ({ department_id: id, user_id: handler!.id })));
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(
  login: string,
  password: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { context, page };
}

/**
 * Files a request through the three steps; returns the request's address. Without JavaScript axe
 * cannot run in the page (it is a script): the pages are the same and are checked with it.
 */
async function file(page: Page, lang: 'el' | 'en', photo?: Buffer, script = true): Promise<string> {
  const check = script ? expectAccessible : () => Promise.resolve();
  await page.goto(`${server.baseUrl}/requests/new?lang=${lang}`);
  await check(page);
  await page.fill('#address', 'Ρούσου Κούνδουρου 12');
  await page.fill('#lat', '35.1911');
  await page.fill('#lng', '25.7164');
  await page.selectOption('#category', { label: lang === 'el' ? 'Λακκούβα' : 'Pothole' });
  await page.click('form[action="/requests/new"] button[type="submit"]');
  await page.waitForURL(/\/requests\/new\/(details|similar)$/);
  if (page.url().endsWith('/similar')) {
    await check(page);
    await page.click('a[href="/requests/new/details"]');
  }
  await check(page);
  // Sent empty first: each field says what is missing.
  await page.click('form[action="/requests/new/details"] button[type="submit"]');
  await page.waitForSelector('.govuk-error-summary');
  await check(page);
  await page.check('#kind-complaint');
  await page.fill('#title', 'Λακκούβα στη διάβαση');
  await page.fill('#description', 'Βαθιά λακκούβα μπροστά στη διάβαση πεζών.');
  if (photo)
    await page.setInputFiles('#photos', {
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: photo,
    });
  await page.click('form[action="/requests/new/details"] button[type="submit"]');
  await page.waitForURL(/\/requests\/2\d{3}-\d{6}$/);
  await check(page);
  return new URL(page.url()).pathname;
}

describe('a request from filing to reopening', () => {
  it('is filed with a photo, handled, answered and closed, and reopened by its citizen', async () => {
    const photo = await sharp({
      create: { width: 800, height: 600, channels: 3, background: '#884422' },
    })
      .jpeg()
      .toBuffer();
    const { context: citizenContext, page } = await signedIn(citizen.username, citizen.password);
    const ref = await file(page, 'el', photo);
    expect(await page.locator('.app-photos img').count()).toBe(1);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'καταχωρίστηκε',
    );
    await page.goto(`${server.baseUrl}/requests?lang=en`);
    await expectAccessible(page);

    const { context: handlerContext, page: staff } = await signedIn(
      'journey.handler',
      HANDLER_PASSWORD,
    );
    await staff.goto(`${server.baseUrl}/staff/requests`);
    await expectAccessible(staff);
    await staff.goto(`${server.baseUrl}/staff${ref}`);
    await expectAccessible(staff);
    await staff.click(
      `form[action="/staff${ref}/assign"] input[name="assignee"][type="hidden"] ~ button`,
    );
    await staff.waitForSelector('.govuk-notification-banner');
    await staff.fill('#answer', 'Η λακκούβα θα κλείσει την Πέμπτη.');
    await staff.click(`form[action="/staff${ref}/answer"] button[type="submit"]`);
    await staff.waitForSelector('.govuk-notification-banner');
    await staff.selectOption('#status', 'closed');
    await staff.fill('#publicNote', 'Επισκευάστηκε.');
    await staff.fill('#internalNote', 'Συνεργείο Β, 2 ώρες.');
    await staff.click(`form[action="/staff${ref}/status"] button[type="submit"]`);
    await staff.waitForSelector('.govuk-notification-banner');
    await staff.goto(`${server.baseUrl}/staff${ref}?lang=en`);
    await expectAccessible(staff);
    await handlerContext.close();

    await page.goto(`${server.baseUrl}${ref}?lang=el`);
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('Η λακκούβα θα κλείσει την Πέμπτη.');
    expect(text).toContain('Επισκευάστηκε.');
    expect(text).not.toContain('Συνεργείο Β');
    await expectAccessible(page);
    await page.fill('#reason', 'Η λακκούβα άνοιξε ξανά μετά τη βροχή.');
    await page.click(`form[action="${ref}/reopen"] button[type="submit"]`);
    await page.waitForSelector('.govuk-notification-banner');
    expect(await page.textContent('main')).toContain('Η λακκούβα άνοιξε ξανά μετά τη βροχή.');
    await citizenContext.close();

    // The citizen was told of the filing, the answer and the closing, by email.
    await expect
      .poll(
        async () =>
          (
            (await server
              .db('dev_mailbox')
              .where({ to_address: `${citizen.username}@example.gr` })
              .pluck('subject')) as string[]
          ).length,
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe('a request without JavaScript', () => {
  it('is filed through the same three steps with a photo, in English', async () => {
    const photo = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#226688' },
    })
      .jpeg()
      .toBuffer();
    const { context, page } = await signedIn(citizen.username, citizen.password, {
      javaScriptEnabled: false,
    });
    const ref = await file(page, 'en', photo, false);
    expect(await page.locator('.app-photos img').count()).toBe(1);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('filed');
    const row = (await server
      .db('requests')
      .where({ year: Number(ref.slice(10, 14)), number: Number(ref.slice(15)) })
      .first('kind', 'title')) as { kind: string; title: string };
    expect(row).toEqual({ kind: 'complaint', title: 'Λακκούβα στη διάβαση' });
    await context.close();
  }, 60_000);
});

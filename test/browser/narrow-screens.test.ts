import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/db/demo-accounts.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { devMailboxTransport } from '../../src/features/mail/transports.ts';
import { drainMail, newAgent, postForm, validRegistration } from '../helpers/accounts.ts';
import { launchBrowser, startLiveServer, type LiveServer } from '../helpers/browser.ts';

// A newcomer's walk on a 390 px phone found pages wider than the screen (the decisions search
// button, the back office's tables) and a filter button that hardly showed on its grey panel.

const PHONE = { width: 390, height: 844 };

let server: LiveServer;
let browser: Browser;
let ids: { decision: number; citizen: number; staffUser: number; benefit: number; health: number };

const password = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.password;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    const now = new Date('2026-11-21T10:00:00Z');
    await seedDemoData(ctx.db, ctx.deps.documents, {
      municipality: 'Δήμος Αγίου Νικολάου',
      today: now,
    });
    await seedDemoAccounts(ctx.db, { production: false, now });
  });
  browser = await launchBrowser();
  const first = async (table: string, where: Record<string, unknown> = {}) =>
    ((await server.db(table).where(where).orderBy('id').first('id')) as { id: number }).id;
  ids = {
    decision: await first('decisions', { status: 'published' }),
    citizen: await first('users', { username: 'demo.verified' }),
    staffUser: await first('users', { username: 'demo.editor' }),
    benefit: await first('benefits'),
    health: await first('health_services'),
  };
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(username: string, viewport = PHONE): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('#login', username);
  await page.fill('#password', password(username));
  await page.locator('main button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.close();
  return context;
}

/** How wide the page is, and what sticks out past the viewport's right edge (to say why). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('main *, header *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, culprits };
  });
}

/** The pages among `paths` that are wider than the phone, each with why. */
async function tooWide(page: Page, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const res = await page.goto(`${server.baseUrl}${path}`);
    expect(res?.status(), path).toBeLessThan(500);
    const { scrollWidth, culprits } = await overflow(page);
    if (scrollWidth > PHONE.width) found.push(`${path}: ${scrollWidth}px (${culprits.join(', ')})`);
  }
  return found;
}

describe('every page fits a 390 px phone', { timeout: 180_000 }, () => {
  it('public pages, the decisions search in every variant, and the search box keeps its width', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const q = encodeURIComponent('προϋπολογισμός');
    expect(
      await tooWide(page, [
        '/',
        '/decisions',
        `/decisions?q=${q}`,
        `/decisions?q=${q}&page=2`,
        '/decisions?year=2025&category=oikonomika',
        '/decisions?from-day=1&from-month=6&from-year=2026&to-day=1&to-month=1&to-year=2026',
        '/decisions?q=zzzzzz',
        `/decisions/${ids.decision}`,
        '/benefits',
        '/health',
        '/login',
        '/register',
        '/contact',
        '/privacy',
        '/accessibility',
        '/password-reset',
        '/activate/resend',
      ]),
    ).toEqual([]);
    for (const lang of ['el', 'en']) {
      await page.goto(`${server.baseUrl}/decisions?lang=${lang}`);
      const input = (await page.locator('#q').boundingBox())!;
      const button = (await page.locator('form[role="search"] button').boundingBox())!;
      expect(input.width, lang).toBeGreaterThanOrEqual(200);
      expect(button.x + button.width, lang).toBeLessThanOrEqual(PHONE.width);
    }
    await context.close();
  });

  it('the citizen’s account page', async () => {
    const context = await signedIn('demo.verified');
    expect(await tooWide(await context.newPage(), ['/account'])).toEqual([]);
    await context.close();
  });

  it('every staff page, tables included', async () => {
    const context = await signedIn('demo.admin');
    const page = await context.newPage();
    const found = await tooWide(page, [
      '/staff',
      '/staff/users',
      `/staff/users/${ids.staffUser}`,
      '/staff/users/new',
      '/staff/audit',
    ]);
    await context.close();

    const editor = await signedIn('demo.editor');
    found.push(
      ...(await tooWide(await editor.newPage(), [
        '/staff/decisions',
        '/staff/decisions?status=published',
        `/staff/decisions/${ids.decision}`,
        `/staff/decisions/${ids.decision}/history`,
        '/staff/decisions/new',
        '/staff/decisions/import',
        '/staff/benefits',
        `/staff/benefits/${ids.benefit}`,
        '/staff/health',
        `/staff/health/${ids.health}`,
      ])),
    );
    await editor.close();

    const clerk = await signedIn('demo.clerk');
    found.push(
      ...(await tooWide(await clerk.newPage(), [
        '/staff/citizens',
        '/staff/citizens?q=demo',
        `/staff/citizens/${ids.citizen}`,
      ])),
    );
    await clerk.close();
    expect(found).toEqual([]);
  });
});

/** WCAG's contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('the audit log’s filter button', () => {
  it('stands out from the grey filter panel (contrast of at least 3:1)', async () => {
    const context = await signedIn('demo.admin', { width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/staff/audit`);
    const colours = await page.evaluate(() => {
      const button = document.querySelector('form.app-filters button')!;
      const panel = document.querySelector('form.app-filters')!;
      return {
        button: getComputedStyle(button).backgroundColor,
        panel: getComputedStyle(panel).backgroundColor,
      };
    });
    expect(contrast(colours.button, colours.panel)).toBeGreaterThanOrEqual(3);
    await context.close();
  });
});

describe('emails and the dev mailbox on a phone and a desktop', { timeout: 120_000 }, () => {
  it('shows a whole email without sideways scrolling, its footer inside the frame', async () => {
    // An invitation: the email with the most in it that an admin can send from the browser.
    const admin = await signedIn('demo.admin', { width: 1280, height: 900 });
    const page = await admin.newPage();
    await page.goto(`${server.baseUrl}/staff/users/new`);
    await page.fill('#username', 'new.colleague');
    await page.fill('#fullName', 'Νέα Συνάδελφος');
    await page.fill('#email', 'new.colleague@example.gov.gr');
    await page.locator('input[name="roles"]').first().check();
    await page.locator('main form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/staff/users');
    // And an activation email, the longest a citizen gets.
    await postForm(newAgent(server.app), '/register', '/register', validRegistration(9001));
    // The worker of this test server does not run: take the messages off the queue into the mailbox.
    const sent = await drainMail(server.deps);
    expect(sent.length).toBe(2);
    const transport = devMailboxTransport(server.db);
    for (const mail of sent) await transport.send(mail);
    await page.setViewportSize(PHONE);
    expect.soft(await tooWide(page, ['/dev/mailbox'])).toEqual([]);
    const hrefs = await page
      .locator('#sent a[href^="/dev/mailbox/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
    expect(hrefs).toHaveLength(2);
    for (const href of hrefs) {
      for (const viewport of [PHONE, { width: 1280, height: 900 }]) {
        const where = `${href} at ${viewport.width}`;
        await page.setViewportSize(viewport);
        await page.goto(`${server.baseUrl}${href}`);
        const { scrollWidth, culprits } = await overflow(page);
        expect
          .soft(scrollWidth, `${where}: ${culprits.join(', ')}`)
          .toBeLessThanOrEqual(viewport.width);
        const frameHeight = await page
          .locator('iframe.app-mail-html')
          .evaluate((el) => el.clientHeight);
        const frame = page.frames().find((f) => f.url().endsWith('/html'))!;
        await frame.waitForLoadState();
        const inside = await frame.evaluate(() => ({
          height: document.documentElement.scrollHeight,
          width: document.documentElement.scrollWidth,
          viewport: document.documentElement.clientWidth,
        }));
        // The whole email, its footer too, shows in the frame without scrolling inside it.
        expect.soft(inside.height, `frame: ${where}`).toBeLessThanOrEqual(frameHeight);
        expect.soft(inside.width, `email: ${where}`).toBeLessThanOrEqual(inside.viewport);
      }
    }
    await admin.close();
  });
});

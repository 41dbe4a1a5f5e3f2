import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/lib/passwords.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
  signInInBrowser,
} from '../helpers/browser.ts';
import { aFine, FILES } from '../helpers/fines.ts';
import { afmFrom } from '../helpers/staff.ts';

const FINANCE_PASSWORD = 'Ledger-Harbour-Stamp-Receipt-2026';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
let server: LiveServer;
let browser: Browser;
let citizen: { username: string; password: string };
let fine: { id: number; noticeNumber: string };
let ownersFine: { id: number };
let owner: { username: string; password: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    citizen = await createActiveUser(ctx.db, 'fines-journey');
    const afm = afmFrom('13572468');
    owner = await createActiveUser(ctx.db, 'fines-journey-owner', {
      afm,
      identity_verified_at: new Date(),
      identity_channel: 'counter',
    });
    await ctx.db('users').insert({
      username: 'journey.finance',
      full_name: 'Ελένη Ταμία',
      email: 'journey.finance@example.gov.gr',
      password_hash: await hashSecret(FINANCE_PASSWORD),
      status: 'active',
      roles: ['finance'],
      activated_at: new Date(),
    });
    // Yesterday, so the objection deadline is ahead whatever day the test runs.
    const offenceAt = new Date(Date.now() - 86_400_000).toISOString();
    fine = await aFine(ctx.db, { plate: 'ΙΚΒ 4321', offenceAt, amountCents: 8000 });
    ownersFine = await aFine(ctx.db, { ownerAfm: afm, offenceAt, amountCents: 4000 });
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
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signInInBrowser(page, server.baseUrl, login, password);
  return { context, page };
}

/** Opens the page in both languages and runs axe on each. */
async function accessibleInBoth(page: Page, path: string): Promise<void> {
  for (const lang of ['el', 'en']) {
    await page.goto(`${server.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    await expectAccessible(page);
  }
}

describe('a traffic fine from look-up to decision', () => {
  it('is looked up and objected to by a citizen, and decided by the finance office', async () => {
    const { context, page } = await signedIn(citizen.username, citizen.password);
    await accessibleInBoth(page, '/fines');
    await page.goto(`${server.baseUrl}/fines?lang=el`);
    await page.click('form[action="/fines"] button[type="submit"]');
    await page.waitForSelector('.govuk-error-summary');
    await expectAccessible(page);
    // Latin letters and a dash for the Greek plate on the notice.
    await page.fill('#noticeNumber', fine.noticeNumber);
    await page.fill('#plate', 'ikb-4321');
    await page.click('form[action="/fines"] button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}/fines/${fine.id}`);
    expect(await page.textContent('#fine-amount')).toContain('80,00');
    await accessibleInBoth(page, `/fines/${fine.id}`);
    // With JavaScript the RF code has its copy button.
    expect(await page.isVisible('[data-copy-rf="rf-fine"]')).toBe(true);

    await accessibleInBoth(page, `/fines/${fine.id}/objection`);
    await page.goto(`${server.baseUrl}/fines/${fine.id}/objection?lang=el`);
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForSelector('.govuk-error-summary');
    await expectAccessible(page);
    await page.fill('#driverAfm', afmFrom('24681357'));
    await page.check('#declaration');
    await page.fill('#text', 'Το όχημα ήταν σταθμευμένο σε επιτρεπόμενη θέση.');
    await page.setInputFiles('#files', {
      name: 'φωτογραφία.pdf',
      mimeType: 'application/pdf',
      buffer: FILES.pdf,
    });
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}/fines/${fine.id}`);
    expect(await page.textContent('.govuk-notification-banner')).toContain('υποβλήθηκε');
    expect(await page.textContent('#fine-status')).toBe('Σε ένσταση');
    await expectAccessible(page);

    const { context: staffContext, page: staff } = await signedIn(
      'journey.finance',
      FINANCE_PASSWORD,
    );
    await accessibleInBoth(staff, '/staff/finance/objections');
    await staff.goto(`${server.baseUrl}/staff/finance/objections?lang=el`);
    await staff.click(`a:text("${fine.noticeNumber}")`);
    await staff.waitForSelector('#objection-text');
    const objectionPath = new URL(staff.url()).pathname;
    await accessibleInBoth(staff, objectionPath);
    await staff.goto(`${server.baseUrl}${objectionPath}?lang=el`);
    await staff.click(`form[action="${objectionPath}/decision"] button[type="submit"]`);
    await staff.waitForSelector('.govuk-error-summary');
    await expectAccessible(staff);
    await staff.check('#outcome');
    await staff.fill('#reason', 'Η θέση στάθμευσης ήταν επιτρεπόμενη.');
    await staff.click(`form[action="${objectionPath}/decision"] button[type="submit"]`);
    await staff.waitForSelector('.govuk-notification-banner');
    expect(await staff.textContent('#decision-reason')).toContain('επιτρεπόμενη');
    await accessibleInBoth(staff, '/staff/finance/objections?status=all');
    await accessibleInBoth(staff, '/staff/finance/rules');
    await accessibleInBoth(staff, '/staff/finance/rules/new');
    await staff.goto(`${server.baseUrl}/staff/finance/rules/new?lang=en`);
    await staff.fill('#reductionPercent', '200');
    await staff.click('form[action="/staff/finance/rules/new"] button[type="submit"]');
    await staff.waitForSelector('.govuk-error-summary');
    await expectAccessible(staff);
    await staffContext.close();

    await page.goto(`${server.baseUrl}/fines/${fine.id}?lang=en`);
    expect(await page.textContent('.app-objection')).toContain('Objection accepted');
    expect(await page.textContent('.app-objection')).toContain('Η θέση στάθμευσης');
    await expectAccessible(page);
    await context.close();
  }, 90_000);

  it("shows a verified owner's fine and the owner's objection form on a phone, in both languages", async () => {
    const { context, page } = await signedIn(owner.username, owner.password, PHONE);
    for (const path of ['/fines', `/fines/${ownersFine.id}`, `/fines/${ownersFine.id}/objection`])
      await accessibleInBoth(page, path);
    await page.goto(`${server.baseUrl}/fines/${ownersFine.id}/objection?lang=el`);
    await page.check('#capacity');
    await page.fill('#text', 'Το όχημα είχε πουληθεί πριν από την παράβαση.');
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}/fines/${ownersFine.id}`);
    expect(await page.textContent('#fine-status')).toBe('Σε ένσταση');
    await expectAccessible(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await context.close();
    const phone = await signedIn('journey.finance', FINANCE_PASSWORD, PHONE);
    await accessibleInBoth(phone.page, '/staff/finance/objections?status=all');
    await accessibleInBoth(phone.page, '/staff/finance/rules');
    await phone.context.close();
  }, 90_000);
});

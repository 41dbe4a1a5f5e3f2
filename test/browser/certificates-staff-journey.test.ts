import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { verifiedFamily } from '../helpers/certificates.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';

let server: LiveServer;
let browser: Browser;
let clerk: string;
let admin: string;
/** Applications waiting for the clerk: one to issue by post, one to reject, one overdue. */
const ids: { post: number; reject: number; overdue: number } = { post: 0, reject: 0, overdue: 0 };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    clerk = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).username;
    admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).username;
    const apply = async (input: { typeCode: string; delivery: string; postAddress?: string }) => {
      const family = await verifiedFamily(ctx.app, ctx.db);
      const user = (await ctx.db<UserRow>('users').where({ id: family.userId }).first())!;
      const result = await ctx.services.certificates.apply({
        user,
        subject: 'self',
        channel: 'web',
        ...input,
      });
      if (!result.ok) throw new Error('not applied');
      return result.application.id;
    };
    ids.post = await apply({
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12, Άγιος Νικόλαος',
    });
    ids.reject = await apply({ typeCode: 'family_status', delivery: 'pickup' });
    ids.overdue = await apply({ typeCode: 'next_of_kin', delivery: 'email' });
    await ctx
      .db('certificate_applications')
      .where({ id: ids.overdue })
      .update({ deadline: '2020-01-10' });
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(login: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signInInBrowser(page, server.baseUrl, login, STAFF_PASSWORD);
  return { context, page };
}

/** Opens the page in both languages and runs axe on each (html-validate checks every page the server sends). */
async function accessibleInBoth(page: Page, path: string): Promise<void> {
  for (const lang of ['el', 'en']) {
    await page.goto(`${server.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    await expectAccessible(page);
  }
}

describe("the clerk's certificate queue", () => {
  it('is worked through in a browser: start, correct with a reason, issue, post, revoke, reject', async () => {
    const { context, page } = await signedIn(clerk);
    await accessibleInBoth(page, '/staff/certificates');
    await page.goto(`${server.baseUrl}/staff/certificates?lang=el`);
    expect(await page.textContent(`#queue tr[data-id="${ids.overdue}"] .app-overdue`)).toBe(
      'Εκπρόθεσμη',
    );
    expect(await page.textContent('#queue-deadlines')).toContain('1 αίτηση');
    await accessibleInBoth(page, '/staff/certificates?list=deliver');
    await accessibleInBoth(page, '/staff/certificates?status=submitted&type=residence');

    const path = `/staff/certificates/${ids.post}`;
    await accessibleInBoth(page, path);
    await page.goto(`${server.baseUrl}${path}?lang=el`);
    await page.click(`form[action="${path}/start"] button`);
    await page.waitForSelector('.govuk-notification-banner');
    expect(await page.textContent('#application-status')).toContain('Σε επεξεργασία');
    await expectAccessible(page);
    // A corrected address without a reason: the message sits at the reason.
    await page.fill('[id="fields.address"]', 'Κονδυλάκη 14, Άγιος Νικόλαος');
    await page.click(`form[action="${path}/issue"] button[type="submit"]`);
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.textContent('[id="reasons.address-error"]')).toContain('Γράψτε γιατί');
    await expectAccessible(page);
    await page.fill('[id="reasons.address"]', 'Νέα διεύθυνση κατά τον αιτούντα');
    await page.click(`form[action="${path}/issue"] button[type="submit"]`);
    await page.waitForSelector('#certificate-number');
    expect(await page.textContent('#corrections')).toContain('Κονδυλάκη 14');
    await accessibleInBoth(page, path);
    await page.goto(`${server.baseUrl}${path}?lang=el`);
    const download = page.waitForEvent('download');
    await page.click('#certificate-pdf');
    expect((await download).suggestedFilename()).toMatch(/^CRT-\d{4}-\d{6}\.pdf$/);
    await page.click(`form[action="${path}/delivery"] button`);
    await page.waitForSelector('.govuk-notification-banner');
    // Revoke: the reason is needed first.
    await page.click(`form[action="${path}/revoke"] button`);
    await page.waitForSelector('#reason-error');
    await expectAccessible(page);
    await page.fill('#reason', 'Εκδόθηκε με λάθος διεύθυνση');
    await page.click(`form[action="${path}/revoke"] button`);
    await page.waitForSelector('.app-revoked');
    await accessibleInBoth(page, path);

    const rejectPath = `/staff/certificates/${ids.reject}`;
    await page.goto(`${server.baseUrl}${rejectPath}?lang=en`);
    await page.click(`form[action="${rejectPath}/reject"] button`);
    await page.waitForSelector('#reason-error');
    expect(await page.textContent('#reason-error')).toContain('reason');
    await expectAccessible(page);
    await page.fill('#reason', 'Not on the family record');
    await page.click(`form[action="${rejectPath}/reject"] button`);
    await page.waitForSelector('.govuk-notification-banner');
    await accessibleInBoth(page, rejectPath);
    await accessibleInBoth(page, `/staff/certificates/${ids.overdue}`);
    await context.close();
  }, 240_000);
});

describe('the certificate catalogue', () => {
  it('lists, adds and changes types, with messages next to the fields', async () => {
    const { context, page } = await signedIn(admin);
    await accessibleInBoth(page, '/staff/certificates/catalogue');
    await accessibleInBoth(page, '/staff/certificates/catalogue/new');
    await accessibleInBoth(page, '/staff/certificates/catalogue/no_debt');
    for (const lang of ['el', 'en']) {
      await page.goto(`${server.baseUrl}/staff/certificates/catalogue/new?lang=${lang}`);
      await page.fill('#code', 'Bad Code');
      await page.fill('#deadlineDays', '99');
      await page.uncheck('#delivery');
      await page.uncheck('#delivery-post');
      await page.uncheck('#delivery-pickup');
      await page.click('form[action="/staff/certificates/catalogue/new"] button[type="submit"]');
      await page.waitForSelector('.govuk-error-summary');
      expect(await page.isVisible('#delivery-error')).toBe(true);
      await expectAccessible(page);
    }
    await page.goto(`${server.baseUrl}/staff/certificates/catalogue/new?lang=el`);
    await page.fill('#code', 'birth_record');
    await page.check('#template');
    await page.fill('#nameEl', 'Πιστοποιητικό γέννησης');
    await page.fill('#nameEn', 'Birth certificate');
    await page.fill('#fee', '3,00');
    await page.click('form[action="/staff/certificates/catalogue/new"] button[type="submit"]');
    await page.waitForSelector('.govuk-notification-banner');
    expect(await page.textContent('#types tr[data-code="birth_record"] .app-fee')).toContain(
      'Μόνο στο ΚΕΠ',
    );
    await expectAccessible(page);
    await page.goto(`${server.baseUrl}/staff/certificates/catalogue/no_debt?lang=en`);
    await page.check('#issueMode-clerk');
    await page.click('form[action="/staff/certificates/catalogue/no_debt"] button[type="submit"]');
    await page.waitForSelector('#issueMode-error');
    expect(await page.textContent('#issueMode-error')).toContain('instantly only');
    await expectAccessible(page);
    await context.close();
  }, 240_000);
});

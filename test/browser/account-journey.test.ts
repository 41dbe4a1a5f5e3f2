import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import {
  expectAccessible as checkAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    await startConfiguredMailWorker(ctx.deps, ctx.services);
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const text = {
  el: {
    register: 'Δημιουργία λογαριασμού',
    fullName: 'Ονοματεπώνυμο',
    username: 'Όνομα χρήστη',
    email: 'Διεύθυνση email',
    phone: 'Τηλέφωνο (κινητό ή σταθερό)',
    password: 'Κωδικός πρόσβασης',
    confirm: 'Επιβεβαίωση κωδικού πρόσβασης',
    privacy: 'Διάβασα και αποδέχομαι',
    checkEmail: 'Ελέγξτε το email σας',
    activate: 'Ενεργοποίηση',
    signIn: 'Σύνδεση',
    login: 'Όνομα χρήστη ή email',
    signOut: 'Αποσύνδεση',
    account: 'Ο λογαριασμός μου',
    problem: 'Υπάρχει πρόβλημα',
  },
  en: {
    register: 'Create account',
    fullName: 'Full name',
    username: 'Username',
    email: 'Email address',
    phone: 'Phone number (mobile or landline)',
    password: 'Password',
    confirm: 'Confirm password',
    privacy: 'I have read and accept',
    checkEmail: 'Check your email',
    activate: 'Activate',
    signIn: 'Sign in',
    login: 'Username or email',
    signOut: 'Sign out',
    account: 'Your account',
    problem: 'There is a problem',
  },
};

async function waitForMail(to: string): Promise<number> {
  for (let i = 0; i < 100; i += 1) {
    const row = (await server
      .db('dev_mailbox')
      .where({ to_address: to })
      .orderBy('id', 'desc')
      .first('id')) as { id: number } | undefined;
    if (row) return row.id;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail for ${to}`);
}

async function journey(page: Page, lang: 'el' | 'en', n: number, axe = true) {
  // axe runs its checks as page script: with JavaScript off it cannot run, so that journey checks behaviour only.
  const expectAccessible = axe ? checkAccessible : () => Promise.resolve();
  const t = text[lang];
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.baseUrl}/register?lang=${lang}`);
  await expectAccessible(page);
  // A first try with a mistake: the error summary and the field message, axe-clean.
  await page.getByLabel(t.fullName).fill('Νίκος Σταυρακάκης');
  await page.getByLabel(t.username, { exact: true }).fill(`nikos.${lang}${n}`);
  await page.getByLabel(t.email).fill('not-an-email');
  await page.getByRole('button', { name: t.register }).click();
  await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
  expect(await page.locator('.govuk-error-summary h2').textContent()).toBe(t.problem);
  await expectAccessible(page);

  await page.getByLabel(t.email).fill(`nikos.${lang}${n}@example.gr`);
  await page.getByLabel(t.phone).fill(`69${n}1234567`.slice(0, 10));
  await page.getByLabel(t.password, { exact: true }).fill('ο ήλιος της Κρήτης 2026');
  await page.getByLabel(t.confirm).fill('ο ήλιος της Κρήτης 2026');
  await page.getByLabel(t.privacy).check();
  await page.getByRole('button', { name: t.register }).click();
  await page.waitForURL((url) => url.pathname === '/register/check-email');
  expect(await page.locator('h1').textContent()).toContain(t.checkEmail);
  await expectAccessible(page);

  const mailId = await waitForMail(`nikos.${lang}${n}@example.gr`);
  await page.goto(`${server.baseUrl}/dev/mailbox`);
  await expectAccessible(page);
  await page.goto(`${server.baseUrl}/dev/mailbox/${mailId}`);
  await expectAccessible(page);
  await page.locator('main ul a[href*="/activate/"]').first().click();
  await expectAccessible(page);
  await page.getByRole('button', { name: t.activate }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  await expectAccessible(page);

  await page.getByLabel(t.login).fill(`nikos.${lang}${n}`);
  await page.getByLabel(t.password, { exact: true }).fill('ο ήλιος της Κρήτης 2026');
  await page.getByRole('button', { name: t.signIn, exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
  expect(await page.locator('.app-service-card').count()).toBeGreaterThan(0);
  await expectAccessible(page);
  await page.getByRole('link', { name: t.account }).click();
  await page.waitForURL((url) => url.pathname === '/account');
  expect(await page.locator('main').textContent()).toContain(`nikos.${lang}${n}`);
  await expectAccessible(page);
  await page.getByRole('button', { name: t.signOut }).click();
  await page.waitForURL((url) => url.pathname === '/');
  expect(await page.getByRole('link', { name: t.signIn }).count()).toBeGreaterThan(0);
}

describe('register, activate, sign in, hub, sign out', { timeout: 90_000 }, () => {
  it('works in Greek, with JavaScript, every page axe-clean', async () => {
    const context = await browser.newContext();
    await journey(await context.newPage(), 'el', 1);
    await context.close();
  });

  it('works in English, every page axe-clean', async () => {
    const context = await browser.newContext();
    await journey(await context.newPage(), 'en', 2);
    await context.close();
  });

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await journey(page, 'en', 3, false);
    await context.close();
  });
});

import type { Browser, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredMailWorker } from '../../src/features/mail/start-worker.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { unzip } from '../helpers/privacy.ts';
import { STAFF_PASSWORD } from '../helpers/staff.ts';
import { hashSecret } from '../../src/lib/passwords.ts';

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  // The real worker: the export job and the mail run as they do after `npm start`.
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
    prepare: 'Ετοιμάστε τα δεδομένα μου',
    download: /Λήψη του αρχείου ZIP/,
    ask: 'Στείλτε μου τον σύνδεσμο επιβεβαίωσης',
    confirm: 'Διαγραφή του λογαριασμού μου',
    deleted: 'Ο λογαριασμός σας διαγράφηκε',
  },
  en: {
    prepare: 'Prepare my data',
    download: /Download the ZIP file/,
    ask: 'Email me the confirmation link',
    confirm: 'Delete my account',
    deleted: 'Your account has been deleted',
  },
};

/** The newest link to `path` in the development mailbox's mail to `to`. */
async function mailedLink(to: string, path: string): Promise<string> {
  for (let i = 0; i < 150; i += 1) {
    const row = (await server
      .db('dev_mailbox')
      .where({ to_address: to })
      .whereRaw('strpos(text, ?) > 0', [path])
      .orderBy('id', 'desc')
      .first('text')) as { text: string } | undefined;
    const link = row && new RegExp(`https?://[^\\s]+${path}/[A-Za-z0-9_-]+`).exec(row.text);
    if (link) return new URL(link[0]).pathname;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no ${path} mail for ${to}`);
}

async function journey(page: Page, lang: 'el' | 'en', width: number) {
  const t = text[lang];
  page.setDefaultTimeout(15_000);
  await page.setViewportSize({ width, height: 900 });
  const tag = `${lang}${width}`;
  const user = await createActiveUser(server.db, `privacy.${tag}`, { lang });
  const email = `user.privacy.${tag}@example.gr`;
  await signInInBrowser(page, server.baseUrl, user.username, user.password, `?lang=${lang}`);

  await page.goto(`${server.baseUrl}/account/data?lang=${lang}`);
  await expectAccessible(page);
  await page.getByRole('button', { name: t.prepare }).click();
  await page.waitForURL((url) => url.pathname === '/account/data');
  await expectAccessible(page);
  const link = await mailedLink(email, '/account/data/download');
  await page.goto(`${server.baseUrl}${link}`);
  await expectAccessible(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: t.download }).click(),
  ]);
  const entries = await unzip(await readFile((await download.path())!));
  expect(JSON.parse(entries.get('accounts.json')!.toString()).account.email).toBe(email);
  await page.goto(`${server.baseUrl}/account/data`);
  expect(await page.locator('#export-status').getAttribute('data-export-status')).toBe(
    'downloaded',
  );
  await expectAccessible(page);

  await page.goto(`${server.baseUrl}/account/delete`);
  await expectAccessible(page);
  await page.getByRole('button', { name: t.ask }).click();
  await page.waitForURL((url) => url.search === '?sent=1');
  await expectAccessible(page);
  const confirm = await mailedLink(email, '/account/delete/confirm');
  await page.goto(`${server.baseUrl}${confirm}`);
  await expectAccessible(page);
  await page.getByRole('button', { name: t.confirm }).click();
  await page.waitForURL((url) => url.pathname === '/account/deleted');
  expect(await page.locator('h1').textContent()).toContain(t.deleted);
  await expectAccessible(page);
  expect(await server.db('users').where({ id: user.id }).first('status')).toEqual({
    status: 'erased',
  });
}

describe('the citizen downloads their data and deletes their account', { timeout: 120_000 }, () => {
  for (const [lang, width] of [
    ['el', 1280],
    ['en', 390],
  ] as const)
    it(`works in ${lang} at ${width} px, every page axe-clean`, async () => {
      const context = await browser.newContext({ acceptDownloads: true });
      await journey(await context.newPage(), lang, width);
      await context.close();
    });

  it('the retention page is axe-clean for an admin, in Greek and English', async () => {
    await server.db('users').insert({
      username: 'privacy.admin',
      full_name: 'Διαχειριστής',
      email: 'privacy.admin@example.gov.gr',
      password_hash: await hashSecret(STAFF_PASSWORD),
      status: 'active',
      roles: ['admin'],
      activated_at: new Date(),
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInInBrowser(page, server.baseUrl, 'privacy.admin', STAFF_PASSWORD);
    for (const lang of ['el', 'en']) {
      await page.goto(`${server.baseUrl}/staff/retention?lang=${lang}`);
      expect(await page.locator('tr[data-rule]').count()).toBeGreaterThan(5);
      await expectAccessible(page);
    }
    await context.close();
  });
});

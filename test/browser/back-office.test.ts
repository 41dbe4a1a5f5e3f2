import { Router, type Request, type Response } from 'express';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/db/seed.ts';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { requireVerifiedCitizen } from '../../src/middleware/auth.ts';
import { renderTextPdf } from '../../src/lib/pdf.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { afmFrom, STAFF_PASSWORD } from '../helpers/staff.ts';
import { hashSecret } from '../../src/lib/passwords.ts';

// Stand-ins for the verified-only services that later work adds (municipal tax, certificates):
// each is a hub entry and a page behind the real guard, so the hub's state can be seen changing.
const verifiedService = (id: string, href: string, titleKey: string): Feature => ({
  router: Router().get(href, requireVerifiedCitizen, (_req: Request, res: Response) => {
    res.send('ok');
  }),
  hubEntry: {
    id,
    href,
    titleKey,
    descriptionKey: 'services.decisions.description',
    access: 'verified',
  },
});

let server: LiveServer;
let browser: Browser;
let pdfPath: string;

beforeAll(async () => {
  server = await startLiveServer(
    async (ctx) => {
      await seedDemoData(ctx.db, ctx.deps.documents, {
        municipality: 'Δήμος Αγίου Νικολάου',
        today: new Date('2026-11-21T10:00:00Z'),
      });
      await ctx.db('users').insert({
        username: 'office.all',
        full_name: 'Υπάλληλος Όλων',
        email: 'office@example.gov.gr',
        password_hash: await hashSecret(STAFF_PASSWORD),
        status: 'active',
        roles: ['clerk', 'editor', 'admin'],
        activated_at: new Date(),
      });
    },
    {},
    [
      verifiedService('tax', '/tax-preview', 'staff.nav.decisions'),
      verifiedService('certificates', '/certificates-preview', 'staff.nav.health'),
    ],
  );
  browser = await launchBrowser();
  pdfPath = path.join(tmpdir(), `decision-${process.pid}.pdf`);
  await writeFile(
    pdfPath,
    await renderTextPdf({
      author: 'Δήμος',
      title: 'Απόφαση 500/2026',
      sections: [{ text: 'Ηλεκτροφωτισμός πλατείας.' }],
    }),
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signInAs(page: Page, login: string, password: string) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Όνομα χρήστη ή email').fill(login);
  await page.getByLabel('Κωδικός πρόσβασης', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Σύνδεση', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

describe('the back office in a browser', { timeout: 120_000 }, () => {
  it('an editor publishes a decision with a PDF and it shows on the public list and search', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInAs(page, 'office.all', STAFF_PASSWORD);
    await page.goto(`${server.baseUrl}/staff/decisions/new`);
    await page.getByLabel('Αριθμός απόφασης').fill('500');
    const meetingDate = page.getByRole('group', { name: 'Ημερομηνία συνεδρίασης' });
    await meetingDate.getByLabel('Ημέρα').fill('20');
    await meetingDate.getByLabel('Μήνας').fill('11');
    await meetingDate.getByLabel('Έτος').fill('2026');
    await page.getByLabel('Κατηγορία').selectOption('technika-erga');
    await page.getByLabel('Θέμα').fill('Ηλεκτροφωτισμός της πλατείας Ηρώων');
    await page.getByLabel('Περίληψη').fill('Εγκρίνεται η μελέτη ηλεκτροφωτισμού.');
    await page.getByLabel('ΑΔΑ').fill('9ΖΞΨΩΡΦ-ΛΚΜ');
    await page.getByLabel('Έγγραφο απόφασης (PDF)').setInputFiles(pdfPath);
    await page.getByRole('button', { name: 'Αποθήκευση' }).click();
    await page.waitForURL((url) => /^\/staff\/decisions\/\d+$/.test(url.pathname));
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Δημοσίευση', exact: true }).click();
    await expect.poll(() => page.locator('.govuk-notification-banner').count()).toBe(1);

    const visitor = await browser.newContext();
    const publicPage = await visitor.newPage();
    await publicPage.goto(`${server.baseUrl}/decisions`);
    expect(await publicPage.locator('.app-result h3').first().textContent()).toContain(
      'Ηλεκτροφωτισμός της πλατείας Ηρώων',
    );
    await publicPage.goto(`${server.baseUrl}/decisions?q=${encodeURIComponent('ηλεκτροφωτισμος')}`);
    expect(await publicPage.locator('.app-result h3 mark').first().textContent()).toBe(
      'Ηλεκτροφωτισμός',
    );
    await publicPage.locator('.app-result h3 a').first().click();
    await publicPage.waitForURL((url) => /^\/decisions\/\d+$/.test(url.pathname));
    const href = await publicPage.getByRole('link', { name: /\(PDF\)/ }).getAttribute('href');
    const pdf = await publicPage.request.get(new URL(href!, server.baseUrl).toString());
    expect(pdf.headers()['content-type']).toBe('application/pdf');

    // Unpublishing asks first, on its own page; "no" changes nothing.
    await page.getByRole('link', { name: 'Απόσυρση', exact: true }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/unpublish'));
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Όχι, επιστροφή στην απόφαση' }).click();
    await page.waitForURL((url) => /^\/staff\/decisions\/\d+$/.test(url.pathname));
    expect((await publicPage.request.get(new URL(href!, server.baseUrl).toString())).status()).toBe(
      200,
    );
    await page.getByRole('link', { name: 'Απόσυρση', exact: true }).click();
    await page.getByRole('button', { name: 'Ναι, απόσυρση' }).click();
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Αποσύρθηκε');
    await visitor.close();
    await context.close();
  });

  it("a clerk verifies a citizen and the citizen's hub shows tax and certificates open", async () => {
    const citizen = await createActiveUser(server.db, 'browser-citizen', {
      full_name: 'Σοφία Καλογεράκη',
    });
    const citizenContext = await browser.newContext();
    const citizenPage = await citizenContext.newPage();
    await signInAs(citizenPage, citizen.username, citizen.password);
    await citizenPage.goto(`${server.baseUrl}/`);
    expect(
      await citizenPage.locator('.app-service-card:has(a[href="/tax-preview"])').textContent(),
    ).toContain('Χρειάζεται ταυτοπροσωπία στο γραφείο');

    const clerkContext = await browser.newContext();
    const clerk = await clerkContext.newPage();
    clerk.setDefaultTimeout(10_000);
    await signInAs(clerk, 'office.all', STAFF_PASSWORD);
    await clerk.goto(`${server.baseUrl}/staff/citizens`);
    await clerk.getByLabel('Αναζήτηση πολίτη').fill('καλογερακη');
    await clerk.getByRole('button', { name: 'Αναζήτηση' }).click();
    await clerk.getByRole('link', { name: 'Σοφία Καλογεράκη' }).click();
    await clerk.waitForURL((url) => /^\/staff\/citizens\/\d+$/.test(url.pathname));
    // The record asks for a document twice (the check, and a contact correction): the check's form.
    const check = clerk.locator('form[action$="/verify"]');
    await check.getByLabel('Αστυνομική ταυτότητα').check();
    await check.getByLabel('Αριθμός εγγράφου').fill('ΑΒ987654');
    await check.getByLabel('ΑΦΜ').fill(afmFrom('09876543'));
    await check.getByLabel('Ο πολίτης ήταν παρών').check();
    await check.getByRole('button', { name: 'Επιβεβαίωση ταυτότητας' }).click();
    await expect.poll(() => clerk.locator('.govuk-notification-banner').count()).toBe(1);
    // The confirmation names what the check opens today, and nothing else.
    expect(await clerk.locator('.govuk-notification-banner').textContent()).toContain(
      'Ανοίγουν τώρα για τον πολίτη: Δημοτικά τέλη και οφειλές, Πιστοποιητικά, Αποφάσεις, Υγεία',
    );
    expect(await clerk.locator('.app-document-number').textContent()).toBe('ΑΒ••••54');
    await expectAccessible(clerk);

    await expect
      .poll(
        async () => {
          await citizenPage.goto(`${server.baseUrl}/`);
          return citizenPage
            .locator('.app-service-card:has(a[href="/certificates-preview"])')
            .textContent();
        },
        { timeout: 3000 },
      )
      .toContain('Ανοιχτή για εσάς');
    expect(
      await citizenPage.locator('.app-service-card:has(a[href="/tax-preview"])').textContent(),
    ).toContain('Ανοιχτή για εσάς');
    await citizenContext.close();
    await clerkContext.close();
  });

  it('every back-office page passes axe in Greek and English', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, 'office.all', STAFF_PASSWORD);
    const decision = (await server.db('decisions').where({ status: 'published' }).first('id')) as {
      id: number;
    };
    const benefit = (await server.db('benefits').first('id')) as { id: number };
    const health = (await server.db('health_services').first('id')) as { id: number };
    const citizen = (await server.db('users').whereRaw(`roles = '{}'`).first('id')) as {
      id: number;
    };
    const staffUser = (await server.db('users').whereRaw(`roles <> '{}'`).first('id')) as {
      id: number;
    };
    // A colleague to be asked about disabling (one's own account cannot be).
    const [colleague] = (await server
      .db('users')
      .insert({
        username: 'office.colleague',
        full_name: 'Συνάδελφος',
        email: 'colleague@example.gov.gr',
        password_hash: 'x',
        status: 'active',
        roles: ['editor'],
      })
      .returning('id')) as { id: number }[];
    const pages = [
      '/staff',
      '/staff/decisions',
      '/staff/decisions/new',
      `/staff/decisions/${decision.id}`,
      `/staff/decisions/${decision.id}/history`,
      `/staff/decisions/${decision.id}/unpublish`,
      '/staff/decisions?q=2026',
      '/staff/decisions/import',
      '/staff/benefits',
      '/staff/benefits/new',
      `/staff/benefits/${benefit.id}`,
      `/staff/benefits/${benefit.id}/history`,
      `/staff/benefits/${benefit.id}/unpublish`,
      '/staff/health',
      '/staff/health/new',
      `/staff/health/${health.id}`,
      '/staff/citizens?q=σοφ',
      `/staff/citizens/${citizen.id}`,
      '/staff/users',
      '/staff/users/new',
      `/staff/users/${staffUser.id}`,
      `/staff/users/${colleague!.id}/disable`,
      '/staff/audit',
    ];
    // Every page in Greek; in English one of each kind (the same templates, other words): a
    // list, an editor form, a record, the people pages and the log.
    const inEnglish = [
      '/staff',
      '/staff/decisions',
      '/staff/benefits/new',
      `/staff/decisions/${decision.id}/history`,
      `/staff/citizens/${citizen.id}`,
      `/staff/users/${staffUser.id}`,
      '/staff/audit',
    ];
    const runs = [
      ...pages.map((p) => ({ p, lang: 'el' })),
      ...inEnglish.map((p) => ({ p, lang: 'en' })),
    ];
    for (const { p, lang } of runs) {
      await page.goto(`${server.baseUrl}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`);
      expect(page.url()).toContain(p.split('?')[0]);
      await expectAccessible(page);
    }
    // A form with errors, and the Markdown preview.
    await page.goto(`${server.baseUrl}/staff/decisions/new?lang=el`);
    await page.getByRole('button', { name: 'Αποθήκευση' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
    await expectAccessible(page);
    await page.goto(`${server.baseUrl}/staff/benefits/${benefit.id}`);
    await page.getByRole('button', { name: 'Προεπισκόπηση' }).click();
    await expect.poll(() => page.locator('.app-markdown-preview').count()).toBe(1);
    await expectAccessible(page);
    await context.close();
    // 30 pages with axe each: longer than one journey.
  }, 180_000);
});

import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import { TEST_TAXPAYERS, type TestTaxpayer } from '../../src/features/taxisnet/dev/taxpayers.ts';
import { createActiveUser, drainMail, linkIn } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { validatePages } from '../helpers/html-validation.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';

/**
 * ΚΕΠ video appointments in a real browser, signed in through the stand-in GSIS the portal mounts
 * at /dev/gsis: a booking in Greek on a desktop (every step, a bad value, a document, the mail
 * with its .ics), the manage link without signing in, the call page, rescheduling and cancelling,
 * a shorter booking in English on a phone, one without JavaScript, and the clerk's schedule. axe
 * runs on every ΚΕΠ page in both languages; html-validate checks every page the server sent.
 *
 * The clerk works every day 00:00–23:59, so free times exist whatever day and hour the test runs;
 * each step picks what the page offers (the minimum notice and the horizon decide which).
 */
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Where to keep screenshots of the pages for a look by eye (none unless set). */
const SHOTS = process.env.SCREENSHOT_DIR;
const AUTHORIZE = '/dev/gsis/oauth2server/oauth/authorize';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
const REFERENCE = /^ΚΕΠ-\d{4}-\d{6}$/;

type Lang = 'el' | 'en';
/** What the pages and mails say (the mails' subjects in Greek, the language booked in). */
const text = {
  el: {
    book: 'Κλείστε ραντεβού',
    allow: 'Αποδοχή',
    booked: 'Ενημέρωση για επερχόμενη κράτηση στο ΚΕΠ',
    rescheduled: 'Νέα ώρα για το ραντεβού σας στο ΚΕΠ',
    cancelled: 'Ακύρωση του ραντεβού σας στο ΚΕΠ',
    opensAt: 'Η κλήση ανοίγει στις',
    movedNotice: 'Το ραντεβού μεταφέρθηκε.',
    cancelledNotice: 'Το ραντεβού ακυρώθηκε.',
  },
  en: { book: 'Book an appointment', allow: 'Allow' },
};

/** One test taxpayer per citizen of the journeys; each already has an account TaxisNet opens. */
const [GREEK, ENGLISH, NO_SCRIPT] = TEST_TAXPAYERS.slice(1) as [
  TestTaxpayer,
  TestTaxpayer,
  TestTaxpayer,
];
const radioLabel = (taxpayer: TestTaxpayer) => `${taxpayer.firstname} ${taxpayer.lastname}`;
const emailOf = (taxpayer: TestTaxpayer) => `kep.${taxpayer.taxid}@example.gr`;

let server: LiveServer;
let browser: Browser;
let clerk: { id: number; username: string };

beforeAll(async () => {
  server = await startLiveServer(async (ctx) => {
    clerk = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    const areas = (await ctx.db('kep_areas').where({ active: true }).select('id')) as {
      id: number;
    }[];
    await ctx
      .db('kep_clerk_areas')
      .insert(areas.map((a) => ({ clerk_id: clerk.id, area_id: a.id })));
    await ctx.db('kep_clerk_hours').insert(
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        clerk_id: clerk.id,
        weekday,
        starts: '00:00',
        ends: '23:59',
      })),
    );
    for (const taxpayer of [GREEK, ENGLISH, NO_SCRIPT]) {
      const now = new Date();
      await createActiveUser(ctx.db, `kep-browser-${taxpayer.taxid}`, {
        full_name: radioLabel(taxpayer),
        email: emailOf(taxpayer),
        taxisnet_afm: taxpayer.taxid,
        taxisnet_linked_at: now,
        afm: taxpayer.taxid,
        identity_verified_at: now,
        identity_channel: 'taxisnet',
      });
    }
  });
  browser = await launchBrowser();
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  // Validates every page the portal and the stand-in sent (test/helpers/test-app.ts).
  await server?.stop();
});

const url = (where: string) => `${server.baseUrl}${where}`;
const onPath = (where: string | RegExp) => (u: URL) =>
  typeof where === 'string' ? u.pathname === where : where.test(u.pathname);

async function screenshot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function newPage(
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

/**
 * axe on the page, then on the same page in the other language (the header's switch link), and
 * back to `lang` unless `back` is false. Nothing a page shows may be a raw key or a broken value.
 */
async function accessibleInBoth(page: Page, lang: Lang, back = true): Promise<void> {
  await expectAccessible(page);
  await expectNoBrokenText(page);
  const other: Lang = lang === 'el' ? 'en' : 'el';
  for (const switchTo of back ? [other, lang] : [other]) {
    await page.locator('a.app-lang-bar__link').click();
    await page.waitForURL((u) => u.searchParams.get('lang') === switchTo);
    expect(await page.getAttribute('html', 'lang')).toBe(switchTo);
    if (switchTo === other) {
      await expectAccessible(page);
      await expectNoBrokenText(page);
    }
  }
}

/** No "undefined", "NaN", "Invalid Date" or untranslated key (kep.book.…) in the page's main. */
async function expectNoBrokenText(page: Page): Promise<void> {
  const main = (await page.locator('main').textContent()) ?? '';
  expect(main, `text of ${page.url()}`).not.toMatch(
    /\bundefined\b|\bNaN\b|Invalid Date|\[object Object\]|\b(?:kep|emails|errors)\.[a-zA-Z]+\.[a-zA-Z.]+/,
  );
}

/** No page wider than the phone's screen (nothing scrolls sideways). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `page width of ${page.url()}`).toBeLessThanOrEqual(PHONE.width);
}

/** At the stand-in GSIS: the taxpayer chosen by the label of its radio button, allowed. */
async function throughStandIn(page: Page, lang: Lang, taxpayer: TestTaxpayer): Promise<void> {
  await page.waitForURL(onPath(AUTHORIZE));
  await page.getByRole('radio', { name: radioLabel(taxpayer) }).check();
  await page.getByRole('button', { name: text[lang].allow }).click();
  await page.waitForURL(
    (u) => !u.pathname.startsWith('/dev/gsis') && !u.pathname.startsWith('/auth'),
  );
}

const submit = (page: Page, action: string) =>
  page.locator(`form[action="${action}"] button[type="submit"]`).click();

/** The form field's message beside it, tied to it by aria-describedby, and in the summary. */
async function expectFieldMessage(page: Page, field: string, describes = `#${field}`) {
  await page.waitForSelector(`#${field}-error`);
  expect(((await page.locator(`#${field}-error`).textContent()) ?? '').trim()).not.toBe('');
  expect(await page.getAttribute(describes, 'aria-describedby')).toContain(`${field}-error`);
  expect(await page.locator(`.govuk-error-summary a[href="#${field}"]`).count()).toBe(1);
}

interface BookingOptions {
  lang: Lang;
  /** axe (and the language switch) on every step. */
  check: 'both' | 'one' | 'none';
  shots?: string;
  file?: boolean;
  phone?: boolean;
}

/** From /kep/book/area to the confirmation page; returns the appointment's id and reference. */
async function bookFromArea(
  page: Page,
  options: BookingOptions,
): Promise<{ id: number; reference: string }> {
  const { lang, shots } = options;
  const look = async (name: string) => {
    if (options.check === 'both') await accessibleInBoth(page, lang);
    else if (options.check === 'one') {
      await expectAccessible(page);
      await expectNoBrokenText(page);
    }
    if (options.phone) await expectNoSidewaysScroll(page);
    if (shots) await screenshot(page, `${name}-${shots}`);
  };
  await page.waitForURL(onPath('/kep/book/area'));
  await look('book-area');
  await page.locator('#area').check();
  await submit(page, '/kep/book/area');

  await page.waitForURL(onPath('/kep/book/day'));
  await look('book-day');
  await page.locator('#day').check();
  await submit(page, '/kep/book/day');

  await page.waitForURL(onPath('/kep/book/time'));
  await look('book-time');
  await page.locator('#time').check();
  await submit(page, '/kep/book/time');

  await page.waitForURL(onPath('/kep/book/details'));
  await look('book-details');
  // The name TaxisNet gave and the account's email are filled in.
  expect(await page.inputValue('#fullName')).not.toBe('');
  expect(await page.inputValue('#email')).not.toBe('');
  await page.fill('#phone', '6912345678');
  if (options.file)
    await page.setInputFiles('#documents', {
      name: 'taftotita.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
  await submit(page, '/kep/book/details');

  await page.waitForURL(onPath('/kep/book/check'));
  if (options.file) expect(await page.locator('#check-details').textContent()).toContain('.pdf');
  await look('book-check');
  await submit(page, '/kep/book/confirm');

  await page.waitForURL(onPath(/^\/kep\/book\/booked\/\d+$/));
  const reference = ((await page.locator('#reference').textContent()) ?? '').trim();
  expect(reference).toMatch(REFERENCE);
  if (options.check !== 'none') await look('book-done');
  else if (shots) await screenshot(page, `book-done-${shots}`);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  return { id, reference };
}

/** The mails queued so far for `to`, with this subject. */
async function mailsTo(to: string, subject: string): Promise<OutgoingMail[]> {
  const sent = await drainMail(server.deps);
  mailbox.push(...sent);
  return mailbox.filter((m) => m.to === to && m.subject === subject);
}
const mailbox: OutgoingMail[] = [];

/** The mail's .ics attachment, read from the document store. */
async function icsOf(mail: OutgoingMail): Promise<string> {
  const ics = (mail.attachments ?? []).find((a) => a.fileName.endsWith('.ics'));
  expect(ics, 'an .ics attachment').toBeDefined();
  expect(ics!.contentType).toMatch(/^text\/calendar/);
  return readFile(server.deps.documents.pathOf(ics!.documentKey), 'utf8');
}

const statusOf = async (id: number) =>
  ((await server.db('kep_appointments').where({ id }).first('status')) as { status: string })
    .status;

/** What the Greek journey made, for the tests after it. */
const greek = {
  context: undefined as BrowserContext | undefined,
  page: undefined as Page | undefined,
  id: 0,
  reference: '',
  manageLink: '',
};
let noScriptBooking: { id: number; reference: string } | undefined;

describe('ΚΕΠ video appointments in a browser', { timeout: 180_000 }, () => {
  it('books in Greek on a desktop: /kep, TaxisNet, every step, a bad email, a document, the mail', async () => {
    const { context, page } = await newPage();
    greek.context = context;
    greek.page = page;
    await page.goto(url('/kep?lang=el'));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'kep-el-1280');

    await page.getByRole('button', { name: text.el.book }).click();
    await throughStandIn(page, 'el', GREEK);

    // The area step sent empty: its message (then on with the journey).
    await page.waitForURL(onPath('/kep/book/area'));
    await submit(page, '/kep/book/area');
    await page.waitForSelector('#area-error');
    expect(await page.locator('.govuk-error-summary a[href="#area"]').count()).toBe(1);
    await expectAccessible(page);

    // The details step with the email emptied: the message beside the field, what was typed kept.
    await page.locator('#area').check();
    await submit(page, '/kep/book/area');
    for (const [step, field] of [
      ['day', '#day'],
      ['time', '#time'],
    ] as const) {
      await page.waitForURL(onPath(`/kep/book/${step}`));
      await accessibleInBoth(page, 'el');
      await screenshot(page, `book-${step}-el-1280`);
      await page.locator(field).check();
      await submit(page, `/kep/book/${step}`);
    }
    await page.waitForURL(onPath('/kep/book/details'));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'book-details-el-1280');
    expect(await page.inputValue('#fullName')).toBe(radioLabel(GREEK));
    await page.fill('#email', '');
    await page.fill('#phone', '6912345678');
    await page.check('#signLanguage');
    await submit(page, '/kep/book/details');
    await expectFieldMessage(page, 'email');
    expect(await page.inputValue('#phone')).toBe('6912345678');
    expect(await page.isChecked('#signLanguage')).toBe(true);
    await expectAccessible(page);
    await expectNoBrokenText(page);
    await screenshot(page, 'book-details-error-el-1280');

    await page.fill('#email', emailOf(GREEK));
    await page.setInputFiles('#documents', {
      name: 'taftotita.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await submit(page, '/kep/book/details');
    await page.waitForURL(onPath('/kep/book/check'));
    const check = (await page.locator('main').textContent()) ?? '';
    expect(check).toContain('taftotita.pdf');
    expect(check).toContain(emailOf(GREEK));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'book-check-el-1280');
    await submit(page, '/kep/book/confirm');

    await page.waitForURL(onPath(/^\/kep\/book\/booked\/\d+$/));
    greek.reference = ((await page.locator('#reference').textContent()) ?? '').trim();
    expect(greek.reference).toMatch(REFERENCE);
    greek.id = Number(new URL(page.url()).pathname.split('/').pop());
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'book-done-el-1280');
    const row = (await server.db('kep_appointments').where({ id: greek.id }).first()) as {
      reference: string;
      clerk_id: number;
      lang: string;
      needs_sign_language: boolean;
    };
    expect(row).toMatchObject({
      reference: greek.reference,
      clerk_id: clerk.id,
      lang: 'el',
      needs_sign_language: true,
    });
    expect(await server.db('kep_documents').where({ appointment_id: greek.id })).toHaveLength(1);

    const [mail, ...more] = await mailsTo(emailOf(GREEK), text.el.booked);
    expect(mail, 'the booked mail').toBeDefined();
    expect(more).toHaveLength(0);
    expect(mail!.text).toContain(greek.reference);
    expect(mail!.text).toContain(url(`/kep/appointments/${greek.id}/call`));
    greek.manageLink = linkIn(mail!, '/kep/manage');
    const ics = await icsOf(mail!);
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('METHOD:REQUEST');
  });

  it('opens the manage link from the mail without signing in: GETs show, and never cancel', async () => {
    expect(greek.manageLink, 'the Greek booking first').not.toBe('');
    const { context, page } = await newPage();
    await page.goto(url(`${greek.manageLink}?lang=el`));
    expect(new URL(page.url()).pathname).toBe(greek.manageLink);
    expect(await page.locator('#reference').textContent()).toBe(greek.reference);
    expect(await page.getAttribute('#status', 'data-state')).toBe('booked');
    // The call page is for the owner signed in with TaxisNet: a manage link does not show it.
    expect(await page.locator('#call-link').count()).toBe(0);
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'manage-el-1280');

    await page.locator('#cancel').click();
    await page.waitForURL(onPath(`${greek.manageLink}/cancel`));
    await accessibleInBoth(page, 'el');
    await page.goto(url(`${greek.manageLink}/reschedule`));
    await accessibleInBoth(page, 'el');
    // Every GET above, and a scanner's GET of the cancel page, left the booking as it was.
    await page.goto(url(`${greek.manageLink}/cancel`));
    expect(await statusOf(greek.id)).toBe('booked');
    await context.close();
  });

  it('from /kep/appointments: the call page, a new time, the old one moved, then cancelled with a reason', async () => {
    const page = greek.page!;
    await page.goto(url('/kep/appointments?lang=el'));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'appointments-el-1280');
    await page.locator(`#coming-list li[data-appointment="${greek.id}"] a`).click();
    await page.waitForURL(onPath(`/kep/appointments/${greek.id}`));
    expect(await page.locator('#reference').textContent()).toBe(greek.reference);
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'appointment-el-1280');

    await page.locator('#call-link').click();
    await page.waitForURL(onPath(`/kep/appointments/${greek.id}/call`));
    expect(await page.locator('#call-opens').textContent()).toContain(text.el.opensAt);
    expect(await page.getAttribute('#call-opens', 'data-opens')).toMatch(/^\d{2}:\d{2}$/);
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'call-el-1280');

    // Reschedule: a day, then a time; first sent without a time.
    await page.goto(url(`/kep/appointments/${greek.id}`));
    await page.locator('#reschedule').click();
    await page.waitForURL(onPath(`/kep/appointments/${greek.id}/reschedule`));
    await accessibleInBoth(page, 'el');
    // The second day with free times: never the booked day, whose only free time late in the
    // evening may be the booked one.
    await page.locator('#days a').nth(1).click();
    await page.waitForURL((u) => u.searchParams.has('day'));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'reschedule-el-1280');
    await page.locator('#confirm-reschedule').click();
    await page.waitForSelector('#start-error');
    expect(await page.getAttribute('fieldset:has(#start)', 'aria-describedby')).toContain(
      'start-error',
    );
    await expectAccessible(page);
    await expectNoBrokenText(page);

    const old = (await server
      .db('kep_appointments')
      .where({ id: greek.id })
      .first('starts_at')) as {
      starts_at: Date;
    };
    const times = page.locator('#times input[name="start"]');
    const values = await times.evaluateAll((inputs) =>
      inputs.map((input) => (input as HTMLInputElement).value),
    );
    const another = values.filter((v) => v !== old.starts_at.toISOString()).pop();
    expect(another, 'another free time').toBeDefined();
    await page.locator(`#times input[value="${another}"]`).check();
    await page.locator('#confirm-reschedule').click();
    await page.waitForURL(
      (u) =>
        /^\/kep\/appointments\/\d+$/.test(u.pathname) &&
        u.pathname !== `/kep/appointments/${greek.id}`,
    );
    const movedId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(await page.getAttribute('#status', 'data-state')).toBe('booked');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      text.el.movedNotice,
    );
    await screenshot(page, 'rescheduled-el-1280');
    await accessibleInBoth(page, 'el');
    expect(await statusOf(greek.id)).toBe('rescheduled');
    const [moved] = await mailsTo(emailOf(GREEK), text.el.rescheduled);
    expect(moved, 'the rescheduled mail').toBeDefined();
    expect(await icsOf(moved!)).toContain('BEGIN:VCALENDAR');

    // The old one shows it moved, with the way to the new one; its call page too.
    await page.goto(url(`/kep/appointments/${greek.id}`));
    expect(await page.getAttribute('#status', 'data-state')).toBe('rescheduled');
    expect(await page.locator('#moved-link').getAttribute('href')).toBe(
      `/kep/appointments/${movedId}`,
    );
    await accessibleInBoth(page, 'el');
    await page.goto(url(`/kep/appointments/${greek.id}/call`));
    expect(await page.locator('#call-moved').count()).toBe(1);
    await accessibleInBoth(page, 'el');

    // Cancel the new one: first without a reason.
    await page.goto(url(`/kep/appointments/${movedId}`));
    await page.locator('#cancel').click();
    await page.waitForURL(onPath(`/kep/appointments/${movedId}/cancel`));
    await accessibleInBoth(page, 'el');
    await page.locator('#confirm-cancel').click();
    await expectFieldMessage(page, 'reason');
    await expectAccessible(page);
    await expectNoBrokenText(page);
    await screenshot(page, 'cancel-error-el-1280');
    await page.fill('#reason', 'Βρήκα τα έγγραφα στο σπίτι.');
    await page.locator('#confirm-cancel').click();
    await page.waitForURL(onPath(`/kep/appointments/${movedId}`));
    expect(await page.getAttribute('#status', 'data-state')).toBe('cancelled');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      text.el.cancelledNotice,
    );
    expect(await page.locator('#cancelled').textContent()).toContain('Βρήκα τα έγγραφα στο σπίτι.');
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'cancelled-el-1280');
    expect(await statusOf(movedId)).toBe('cancelled');
    const [cancelled] = await mailsTo(emailOf(GREEK), text.el.cancelled);
    expect(cancelled, 'the cancelled mail').toBeDefined();
    expect(await icsOf(cancelled!)).toContain('METHOD:CANCEL');

    await page.goto(url('/kep/appointments'));
    expect(await page.locator('#no-coming').count()).toBe(1);
    expect(await page.locator('#past-list li').count()).toBe(2);
    await greek.context!.close();
  });

  it('books in English on a phone (390 px), with axe on every step', async () => {
    const { context, page } = await newPage({ viewport: PHONE });
    await page.goto(url('/kep?lang=en'));
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'kep-en-390');
    await page.getByRole('button', { name: text.en.book }).click();
    await throughStandIn(page, 'en', ENGLISH);
    const booked = await bookFromArea(page, {
      lang: 'en',
      check: 'one',
      shots: 'en-390',
      phone: true,
    });
    const row = (await server.db('kep_appointments').where({ id: booked.id }).first()) as {
      lang: string;
      afm: string;
    };
    expect(row).toMatchObject({ lang: 'en', afm: ENGLISH.taxid });
    const english = (await drainMail(server.deps)).filter((m) => m.to === emailOf(ENGLISH));
    expect(english).toHaveLength(1);
    expect(english[0]!.text).toContain(booked.reference);

    await page.goto(url(`/kep/appointments/${booked.id}`));
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'appointment-en-390');
    await page.goto(url(`/kep/appointments/${booked.id}/call`));
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'call-en-390');
    await context.close();
  });

  it('books without JavaScript: links and plain forms all the way, a document too', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(url('/kep?lang=el'));
    await page.getByRole('button', { name: text.el.book }).click();
    await throughStandIn(page, 'el', NO_SCRIPT);
    noScriptBooking = await bookFromArea(page, { lang: 'el', check: 'none', file: true });
    expect(await statusOf(noScriptBooking.id)).toBe('booked');
    expect(
      await server.db('kep_documents').where({ appointment_id: noScriptBooking.id }),
    ).toHaveLength(1);
    const mails = (await drainMail(server.deps)).filter((m) => m.to === emailOf(NO_SCRIPT));
    expect(mails).toHaveLength(1);
    await context.close();
  });

  it('a clerk sees the appointment on the schedule and opens its details', async () => {
    expect(noScriptBooking, 'the booking without JavaScript first').toBeDefined();
    const { id, reference } = noScriptBooking!;
    const { context, page } = await newPage();
    await signInInBrowser(page, server.baseUrl, clerk.username, STAFF_PASSWORD, '?lang=el');
    await page.goto(url('/staff/kep?lang=el'));
    const row = page.locator(`tr[data-id="${id}"]`);
    expect(await row.count(), 'the appointment on the schedule').toBe(1);
    expect(await row.textContent()).toContain(reference);
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'staff-schedule-el-1280');

    await row.getByRole('link', { name: reference }).click();
    await page.waitForURL(onPath(`/staff/kep/appointments/${id}`));
    expect(await page.locator('#appointment').textContent()).toContain(NO_SCRIPT.taxid);
    expect(await page.locator('#document-list').textContent()).toContain('.pdf');
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'staff-appointment-el-1280');

    // Booking on behalf: the area, then the times and the citizen's details.
    await page.goto(url('/staff/kep/book?lang=el'));
    await accessibleInBoth(page, 'el');
    await page.locator('#area').check();
    await page.locator('form[action="/staff/kep/book"] button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname === '/staff/kep/book' && u.searchParams.has('area'));
    await accessibleInBoth(page, 'el');
    await screenshot(page, 'staff-book-el-1280');
    await context.close();
  });

  it('sends every ΚΕΠ page in both languages, and the HTML validator finds nothing', async () => {
    const sent = server.renderedPages.map(
      (p) => `${p.url} ${/<html lang="(el|en)"/.exec(p.html)?.[1]}`,
    );
    for (const lang of ['el', 'en'])
      for (const page of [
        /^GET \/kep(\?|\s)/,
        /^GET \/kep\/book\/area/,
        /^GET \/kep\/book\/day/,
        /^GET \/kep\/book\/time/,
        /^GET \/kep\/book\/details/,
        /^GET \/kep\/book\/check/,
        /^GET \/kep\/book\/booked\/\d+/,
        /^GET \/kep\/appointments(\?|\s)/,
        /^GET \/kep\/appointments\/\d+(\?|\s)/,
        /^GET \/kep\/appointments\/\d+\/call/,
        /^GET \/kep\/appointments\/\d+\/reschedule/,
        /^GET \/kep\/appointments\/\d+\/cancel/,
        /^GET \/kep\/manage\/[\w-]+(\?|\s)/,
        /^GET \/kep\/manage\/[\w-]+\/cancel/,
        /^GET \/kep\/manage\/[\w-]+\/reschedule/,
        /^GET \/staff\/kep(\?|\s)/,
        /^GET \/staff\/kep\/appointments\/\d+/,
        /^GET \/staff\/kep\/book/,
      ])
        expect(
          sent.some((line) => page.test(line) && line.endsWith(` ${lang}`)),
          `${String(page)} in ${lang}`,
        ).toBe(true);
    // The error states, sent back by a POST.
    for (const page of [
      /^POST \/kep\/book\/area/,
      /^POST \/kep\/book\/details/,
      /^POST \/kep\/appointments\/\d+\/reschedule/,
      /^POST \/kep\/appointments\/\d+\/cancel/,
    ])
      expect(
        sent.some((line) => page.test(line)),
        String(page),
      ).toBe(true);
    // Also checked when the server stops; here so a problem names this test.
    expect(await validatePages(server.renderedPages)).toEqual([]);
  });
});

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import { createActiveUser, drainMail, linkIn } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  signInInBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';

/**
 * TaxisNet sign-in in a real browser against the stand-in GSIS the portal mounts at /dev/gsis:
 * a new account opened, confirmed and given a password, consent denied, TaxisNet linked from the
 * account page, and the new-account flow without JavaScript. axe runs on every new page in both
 * languages; html-validate checks every page the server sent when the test context closes.
 */
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Where to keep screenshots of the new pages for a look by eye (none unless set). */
const SHOTS = process.env.SCREENSHOT_DIR;
const AUTHORIZE = '/dev/gsis/oauth2server/oauth/authorize';
const LOGOUT = '/dev/gsis/oauth2server/logout/';

type Lang = 'el' | 'en';
const text = {
  el: {
    taxisnet: 'Σύνδεση με TaxisNet',
    allow: 'Αποδοχή',
    deny: 'Άρνηση',
    detailsTitle: 'Τα στοιχεία επικοινωνίας σας',
    email: 'Διεύθυνση email',
    phone: 'Τηλέφωνο (κινητό ή σταθερό)',
    privacy: 'Διάβασα και αποδέχομαι',
    openAccount: 'Άνοιγμα λογαριασμού',
    problem: 'Υπάρχει πρόβλημα',
    checkEmail: 'Ελέγξτε το email σας',
    activate: 'Ενεργοποίηση',
    account: 'Ο λογαριασμός μου',
    username: 'Όνομα χρήστη',
    newPassword: 'Νέος κωδικός πρόσβασης',
    confirm: 'Επιβεβαίωση κωδικού πρόσβασης',
    setPassword: 'Ορισμός κωδικού',
    passwordSet: 'Ορίσατε όνομα χρήστη και κωδικό',
    signOut: 'Αποσύνδεση',
    denied: 'Δεν επιτρέψατε τη σύνδεση',
    otherWay: 'Σύνδεση με άλλον τρόπο',
    signInTitle: 'Σύνδεση',
    link: 'Σύνδεση του λογαριασμού με TaxisNet',
    linked: 'Συνδεδεμένο',
    linkedNow: 'Το TaxisNet συνδέθηκε με τον λογαριασμό σας.',
    summaryNot: 'TaxisNet: συνδέστε τους κωδικούς TaxisNet',
    pinNote: 'PIN',
    activatedTaxisnet: 'Συνδεθείτε με TaxisNet για να συνεχίσετε',
  },
  en: {
    taxisnet: 'Sign in with TaxisNet',
    allow: 'Allow',
    deny: 'Deny',
    detailsTitle: 'Your contact details',
    email: 'Email address',
    phone: 'Phone number (mobile or landline)',
    privacy: 'I have read and accept',
    openAccount: 'Open my account',
    problem: 'There is a problem',
    checkEmail: 'Check your email',
    activate: 'Activate',
    account: 'Your account',
    username: 'Username',
    newPassword: 'New password',
    confirm: 'Confirm password',
    setPassword: 'Set password',
    passwordSet: 'You set a username and password',
    signOut: 'Sign out',
    denied: 'You did not allow the sign-in',
    otherWay: 'Sign in another way',
    signInTitle: 'Sign in',
    link: 'Link TaxisNet',
    linked: 'Linked',
    linkedNow: 'TaxisNet is now linked to your account.',
    summaryNot: 'TaxisNet: link your TaxisNet credentials',
    pinNote: 'PIN',
    activatedTaxisnet: 'Sign in with TaxisNet to continue',
  },
} satisfies Record<Lang, Record<string, string>>;

/** The test taxpayers, each for one test: the demo citizen's ΑΦΜ is free in this database. */
const [DEMO, FIRST_NEW, DENYING, NO_SCRIPT] = TEST_TAXPAYERS as [
  (typeof TEST_TAXPAYERS)[number],
  (typeof TEST_TAXPAYERS)[number],
  (typeof TEST_TAXPAYERS)[number],
  (typeof TEST_TAXPAYERS)[number],
];
const radioLabel = (taxpayer: (typeof TEST_TAXPAYERS)[number]) =>
  `${taxpayer.firstname} ${taxpayer.lastname}`;

let server: LiveServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  // Validates every page the portal and the stand-in sent (test/helpers/test-app.ts).
  await server?.stop();
});

const url = (where: string) => `${server.baseUrl}${where}`;
const onPath = (where: string) => (u: URL) => u.pathname === where;

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
 * back to `lang` unless this is the journey's last page.
 */
async function accessibleInBoth(page: Page, lang: Lang, back = true): Promise<void> {
  await expectAccessible(page);
  const other: Lang = lang === 'el' ? 'en' : 'el';
  for (const switchTo of back ? [other, lang] : [other]) {
    await page.locator('a.app-lang-bar__link').click();
    await page.waitForURL((u) => u.searchParams.get('lang') === switchTo);
    expect(await page.getAttribute('html', 'lang')).toBe(switchTo);
    if (switchTo === other) await expectAccessible(page);
  }
}

/** From /login through the stand-in (the taxpayer chosen by the label of its radio button) back to the portal. */
async function throughStandIn(
  page: Page,
  lang: Lang,
  taxpayer: (typeof TEST_TAXPAYERS)[number],
  decision: 'allow' | 'deny',
  checks: { atLogin?: () => Promise<void>; atStandIn?: () => Promise<void> } = {},
): Promise<void> {
  const t = text[lang];
  await page.goto(url(`/login?lang=${lang}`));
  await checks.atLogin?.();
  await page.getByRole('button', { name: t.taxisnet }).click();
  await page.waitForURL(onPath(AUTHORIZE));
  expect(await page.locator('h1').textContent()).toContain('TaxisNet');
  expect(await page.isVisible('#stand-in-notice')).toBe(true);
  await checks.atStandIn?.();
  await page.getByRole('radio', { name: radioLabel(taxpayer) }).check();
  await page.getByRole('button', { name: decision === 'allow' ? t.allow : t.deny }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/dev/gsis'));
}

/** The details form sent empty: the summary, and each message beside its own field. */
async function sendEmptyDetails(page: Page, lang: Lang): Promise<void> {
  const t = text[lang];
  await page.getByRole('button', { name: t.openAccount }).click();
  await page.waitForSelector('.govuk-error-summary');
  expect(await page.locator('.govuk-error-summary h2').textContent()).toBe(t.problem);
  for (const field of ['email', 'phone']) {
    const message = page.locator(`.govuk-form-group:has(#${field}) #${field}-error`);
    expect(await message.count(), `${field} message beside the field`).toBe(1);
    expect((await message.textContent())?.trim()).not.toBe('');
    expect(await page.getAttribute(`#${field}`, 'aria-describedby')).toContain(`${field}-error`);
    expect(await page.locator(`.govuk-error-summary a[href="#${field}"]`).count()).toBe(1);
  }
  expect(await page.locator('fieldset:has(#privacy) #privacy-error').count()).toBe(1);
  // The name TaxisNet gave is kept.
  expect(await page.inputValue('#fullName')).not.toBe('');
}

describe('TaxisNet sign-in in a browser, against the stand-in GSIS', { timeout: 90_000 }, () => {
  it('opens a new account (Greek, desktop): details, confirmation by email, a password, sign-out through GSIS', async () => {
    const t = text.el;
    const { context, page } = await newPage();
    await throughStandIn(page, 'el', FIRST_NEW, 'allow', {
      atLogin: () => accessibleInBoth(page, 'el'),
      atStandIn: async () => {
        await screenshot(page, 'stand-in-el-1280');
        // The language switch keeps the authorization request.
        await accessibleInBoth(page, 'el');
      },
    });

    await page.waitForURL(onPath('/auth/taxisnet/details'));
    expect(await page.locator('h1').textContent()).toBe(t.detailsTitle);
    expect(await page.locator('main').textContent()).toContain(FIRST_NEW.taxid);
    expect(await page.inputValue('#fullName')).toBe(radioLabel(FIRST_NEW));
    await expectAccessible(page);
    await screenshot(page, 'details-el-1280');
    await sendEmptyDetails(page, 'el');
    await expectAccessible(page);

    await page.getByLabel('Ονοματεπώνυμο').fill('Ειρήνη Σταυρακάκη');
    await page.getByLabel(t.email).fill('eirini.browser@example.gr');
    await page.getByLabel(t.phone).fill('6944000111');
    await page.getByLabel(t.privacy).check();
    await page.getByRole('button', { name: t.openAccount }).click();
    await page.waitForURL(onPath('/register/check-email'));
    expect(await page.locator('h1').textContent()).toContain(t.checkEmail);
    // No PIN comes with a TaxisNet account's activation mail, and the page promises none.
    expect(await page.locator('main').textContent()).not.toContain(t.pinNote);

    const mail = (await drainMail(server.deps)).find((m) => m.to === 'eirini.browser@example.gr');
    expect(mail, 'the activation mail').toBeDefined();
    await page.goto(url(linkIn(mail!, '/activate')));
    await page.getByRole('button', { name: t.activate }).click();
    await page.waitForURL(onPath('/login'));
    expect(await page.locator('main').textContent()).toContain(t.activatedTaxisnet);

    // The stand-in remembers whom it signed in: preselected, and named on the page.
    await page.getByRole('button', { name: t.taxisnet }).click();
    await page.waitForURL(onPath(AUTHORIZE));
    expect(await page.getByRole('radio', { name: radioLabel(FIRST_NEW) }).isChecked()).toBe(true);
    expect(await page.locator('#signed-in').textContent()).toContain(FIRST_NEW.taxid);
    await page.getByRole('button', { name: t.allow }).click();
    await page.waitForURL(onPath('/'));

    await page.getByRole('link', { name: t.account, exact: true }).click();
    await page.waitForURL(onPath('/account'));
    expect(await page.locator('main').textContent()).toContain('Ειρήνη Σταυρακάκη');
    expect(await page.locator('form[action="/account/password/set"]').count()).toBe(1);
    await accessibleInBoth(page, 'el');

    // A TaxisNet account is linked by birth: nothing to offer on /account, and /account/taxisnet says so.
    expect(await page.getByRole('link', { name: t.summaryNot }).count()).toBe(0);
    await page.goto(url('/account/taxisnet'));
    expect(await page.locator('main .govuk-tag--green').textContent()).toBe(t.linked);
    expect(await page.locator('main').textContent()).toContain(FIRST_NEW.taxid);
    expect(await page.locator('form[action="/account/taxisnet"]').count()).toBe(0);

    await page.goto(url('/account'));
    await page.getByLabel(t.username, { exact: true }).fill('eirini.browser');
    await page.getByLabel(t.newPassword).fill('πέτρινο σπίτι στο λιμάνι');
    await page.getByLabel(t.confirm).fill('πέτρινο σπίτι στο λιμάνι');
    await page.getByRole('button', { name: t.setPassword }).click();
    await page.waitForURL(onPath('/account'));
    expect(await page.locator('main').textContent()).toContain(t.passwordSet);
    expect(await page.locator('form[action="/account/password/set"]').count()).toBe(0);
    const row = (await server.db('users').where({ taxisnet_afm: FIRST_NEW.taxid }).first()) as {
      username: string;
      password_hash: string | null;
    };
    expect(row.username).toBe('eirini.browser');
    expect(row.password_hash).not.toBeNull();

    // Sign-out goes through GSIS's logout, which sends the browser home.
    const visited: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest()) visited.push(new URL(request.url()).pathname);
    });
    await page.getByRole('button', { name: t.signOut }).click();
    await page.waitForURL(onPath('/'));
    expect(visited).toEqual(['/logout', `${LOGOUT}dev-portal/`, '/']);
    expect(await page.getByRole('link', { name: t.signInTitle, exact: true }).count()).toBe(1);
    // And the stand-in has forgotten the taxpayer.
    await page.goto(url('/login'));
    await page.getByRole('button', { name: t.taxisnet }).click();
    await page.waitForURL(onPath(AUTHORIZE));
    expect(await page.locator('#signed-in').count()).toBe(0);
    expect(await page.locator('input[name="taxpayer"]:checked').count()).toBe(0);
    await context.close();
  });

  it('answers denied consent with a page that leads back to /login (English on a phone, then Greek)', async () => {
    const { context, page } = await newPage({ viewport: PHONE });
    for (const lang of ['en', 'el'] as const) {
      const t = text[lang];
      await throughStandIn(page, lang, DENYING, 'deny', {
        atStandIn: () => screenshot(page, `stand-in-${lang}-390`),
      });
      expect(new URL(page.url()).pathname).toBe('/auth/taxisnet/callback');
      expect(await page.locator('h1').textContent()).toBe(t.denied);
      await expectAccessible(page);
      await page.getByRole('link', { name: t.otherWay }).click();
      await page.waitForURL(onPath('/login'));
    }
    expect(await server.db('users').where({ taxisnet_afm: DENYING.taxid }).first()).toBeUndefined();

    // Allowed this time, in English on the phone: the details form, empty and then with its errors.
    await throughStandIn(page, 'en', DENYING, 'allow');
    await page.waitForURL(onPath('/auth/taxisnet/details'));
    expect(await page.locator('h1').textContent()).toBe(text.en.detailsTitle);
    await expectAccessible(page);
    await screenshot(page, 'details-en-390');
    await sendEmptyDetails(page, 'en');
    await expectAccessible(page);
    await context.close();
  });

  it('links TaxisNet from the account page of a password account', async () => {
    const t = text.el;
    const owner = await createActiveUser(server.db, 'taxisnet-browser-link');
    const { context, page } = await newPage();
    await signInInBrowser(page, server.baseUrl, owner.username, owner.password, '?lang=el');
    await page.goto(url('/account'));
    await page.getByRole('link', { name: t.summaryNot }).click();
    await page.waitForURL(onPath('/account/taxisnet'));
    await accessibleInBoth(page, 'el');

    await page.getByRole('button', { name: t.link }).click();
    await page.waitForURL(onPath(AUTHORIZE));
    await page.getByRole('radio', { name: radioLabel(DEMO) }).check();
    await page.getByRole('button', { name: t.allow }).click();
    await page.waitForURL(onPath('/account/taxisnet'));
    expect(await page.locator('main').textContent()).toContain(t.linkedNow);
    expect(await page.locator('main .govuk-tag--green').textContent()).toBe(t.linked);
    expect(await page.locator('main').textContent()).toContain(DEMO.taxid);
    await accessibleInBoth(page, 'el', false);
    const row = (await server.db('users').where({ id: owner.id }).first()) as {
      taxisnet_afm: string | null;
    };
    expect(row.taxisnet_afm).toBe(DEMO.taxid);
    await context.close();
  });

  it('opens a new account without JavaScript: links and plain forms all the way', async () => {
    const t = text.el;
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await throughStandIn(page, 'el', NO_SCRIPT, 'allow');
    await page.waitForURL(onPath('/auth/taxisnet/details'));
    expect(await page.inputValue('#fullName')).toBe(radioLabel(NO_SCRIPT));
    await sendEmptyDetails(page, 'el');
    await page.getByLabel(t.email).fill('sofia.noscript@example.gr');
    await page.getByLabel(t.phone).fill('6944000444');
    await page.getByLabel(t.privacy).check();
    await page.getByRole('button', { name: t.openAccount }).click();
    await page.waitForURL(onPath('/register/check-email'));
    const row = (await server.db('users').where({ taxisnet_afm: NO_SCRIPT.taxid }).first()) as {
      status: string;
      email: string;
    };
    expect(row).toMatchObject({ status: 'pending', email: 'sofia.noscript@example.gr' });
    await context.close();
  });

  it('sent every new page to the HTML validator in both languages', () => {
    const sent = server.renderedPages.map(
      (p) => `${p.url} ${/<html lang="(el|en)"/.exec(p.html)?.[1]}`,
    );
    for (const lang of ['el', 'en'])
      for (const page of [
        /^GET \/login/,
        new RegExp(`^GET ${AUTHORIZE}\\?`),
        /^GET \/auth\/taxisnet\/details/,
        /^POST \/auth\/taxisnet\/details/,
        /^GET \/auth\/taxisnet\/callback\?error=access_denied/,
        /^GET \/account\/taxisnet/,
        /^GET \/account(\?|\s)/,
      ])
        expect(
          sent.some((line) => page.test(line) && line.endsWith(` ${lang}`)),
          `${String(page)} in ${lang}`,
        ).toBe(true);
  });
});

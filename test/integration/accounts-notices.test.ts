import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let citizen: Agent;

beforeAll(async () => {
  ctx = await createTestContext();
  const user = await createActiveUser(ctx.db, 'notices', { phone_e164: '+306912345678' });
  citizen = newAgent(ctx.app);
  await signIn(citizen, user.username, user.password);
});
afterAll(() => ctx.close());

const WORDS = {
  el: {
    summary: 'Πώς χρησιμοποιούμε',
    register: ['Το ονοματεπώνυμό σας', 'δείτε την πολιτική απορρήτου', 'Κανείς εκτός δήμου'],
    lookup: 'μόνο για να βρούμε τον λογαριασμό',
    phone: 'Τον νέο αριθμό τηλεφώνου σας',
    address: 'Την ταχυδρομική σας διεύθυνση',
    email: 'Τη νέα διεύθυνση email σας',
    pin: 'Ένα νέο εξαψήφιο PIN',
    heading: 'Τα δεδομένα σας',
    download: 'Λήψη των δεδομένων σας',
    delete: 'Διαγραφή του λογαριασμού σας',
    staffDelete: 'τον απενεργοποιεί ένας διαχειριστής',
  },
  en: {
    summary: 'How we use what you give us here',
    register: ['Your full name', 'see the privacy notice', 'Nobody outside the municipality'],
    lookup: 'only to find the account that has it',
    phone: 'Your new phone number',
    address: 'Your postal address',
    email: 'Your new email address',
    pin: 'A new 6-digit PIN',
    heading: 'Your data',
    download: 'Download your data',
    delete: 'Delete your account',
    staffDelete: 'an administrator disables it',
  },
} as const;

/** The privacy notice of the form posting to `action`, checked to come right before its button. */
function noticeOf($: cheerio.CheerioAPI, action: string, summary: string): string {
  const form = $(`form[action="${action}"]`);
  expect(form.length, action).toBe(1);
  const notice = form.find('details.privacy-notice');
  expect(notice.length, action).toBe(1);
  expect(notice.find('summary').text(), action).toContain(summary);
  expect(notice.nextAll('button[type="submit"]').length, action).toBe(1);
  expect(notice.prevAll('button').length, action).toBe(0);
  return notice.text().replace(/\s+/g, ' ');
}

describe('the accounts’ privacy notices and the links to the citizen’s data', () => {
  for (const lang of ['el', 'en'] as const) {
    const words = WORDS[lang];

    it(`shows the registration form’s notice in ${lang}`, async () => {
      const res = await newAgent(ctx.app).get(`/register?lang=${lang}`);
      expect(res.status).toBe(200);
      const text = noticeOf(cheerio.load(res.text), '/register', words.summary);
      for (const part of words.register) expect(text, part).toContain(part);
      // What the registration keeps, truthfully: the password only as a hash.
      expect(text).toContain('argon2');
    });

    it(`shows a notice on the forms that ask for an email to send a link to, in ${lang}`, async () => {
      for (const path of ['/password-reset', '/activate/resend']) {
        const res = await newAgent(ctx.app).get(`${path}?lang=${lang}`);
        expect(res.status, path).toBe(200);
        expect(noticeOf(cheerio.load(res.text), path, words.summary), path).toContain(words.lookup);
      }
    });

    it(`shows a notice on each form of the account page and the two links to the data, in ${lang}`, async () => {
      const res = await citizen.get(`/account?lang=${lang}`);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      for (const [action, part] of [
        ['/account/pin', words.pin],
        ['/account/phone', words.phone],
        ['/account/address', words.address],
        ['/account/email', words.email],
      ] as const)
        expect(noticeOf($, action, words.summary), action).toContain(part);

      const section = $('#your-data');
      expect(section.find('h2').text()).toBe(words.heading);
      const download = section.find('a[href="/account/data"]');
      const remove = section.find('a[href="/account/delete"]');
      expect(download.text()).toBe(words.download);
      expect(remove.text()).toBe(words.delete);
      // Each with its one-line explanation.
      expect(download.parent().next('p').text().length).toBeGreaterThan(20);
      expect(remove.parent().next('p').text().length).toBeGreaterThan(20);
    });

    it(`offers a staff member the download, not the deletion, in ${lang}`, async () => {
      const staff = await signedInStaff(ctx.app, ctx.db, ['editor']);
      const $ = cheerio.load((await staff.agent.get(`/account?lang=${lang}`)).text);
      expect($('#your-data a[href="/account/data"]').text()).toBe(words.download);
      expect($('#your-data a[href="/account/delete"]').length).toBe(0);
      expect($('#your-data').text()).toContain(words.staffDelete);
    });
  }
});

/**
 * The citizens' user manual of the ΚΕΠ video appointments: /kep/manual in Greek and English
 * (public, every topic's heading with its anchor in the contents, screenshots with alt text that
 * answer as PNGs), its printable PDF (pdftotext finds every heading, in the page's language), and
 * the links to it from /kep and the home page. html-validate checks every page when the context
 * closes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

type Lang = 'el' | 'en';

/** Every topic the manual must cover: its anchor and its heading, as a reader sees them. */
const TOPICS: readonly { id: string; el: string; en: string }[] = [
  { id: 'what-you-need', el: 'Τι χρειάζεστε', en: 'What you need' },
  { id: 'taxisnet', el: 'Σύνδεση με TaxisNet', en: 'Signing in with TaxisNet' },
  { id: 'booking', el: 'Η κράτηση βήμα βήμα', en: 'Booking step by step' },
  { id: 'emails', el: 'Τα email που λαμβάνετε', en: 'The emails you get' },
  {
    id: 'joining',
    el: 'Σύνδεση στην κλήση από κινητό ή υπολογιστή',
    en: 'Joining the call on a phone or a computer',
  },
  { id: 'identity', el: 'Ο έλεγχος ταυτοπροσωπίας', en: 'The identity check' },
  { id: 'sound-only', el: 'Μόνο ήχος', en: 'Sound only' },
  {
    id: 'helper',
    el: 'Πρόσκληση βοηθού (διερμηνέα ή συγγενή)',
    en: 'Inviting a helper (interpreter or relative)',
  },
  { id: 'changing', el: 'Αλλαγή ώρας ή ακύρωση', en: 'Changing the time or cancelling' },
  {
    id: 'privacy',
    el: 'Προσωπικά δεδομένα: τίποτα δεν καταγράφεται',
    en: 'Privacy: nothing is recorded',
  },
  { id: 'help', el: 'Πού να τηλεφωνήσετε για βοήθεια', en: 'Who to call for help' },
];
const TITLE = {
  el: 'Οδηγός χρήσης: βιντεοραντεβού με το ΚΕΠ',
  en: 'User manual: video appointments with the ΚΕΠ',
};
/** The screens the manual shows (`npm run manual:screenshots` takes them). */
const SCREENS = ['kep', 'book-time', 'book-check', 'appointments', 'appointment', 'call'];
const PNG_SIGNATURE = '89504e470d0a1a0a';

const dir = mkdtempSync(path.join(tmpdir(), 'kep-manual-'));
let ctx: TestContext;

const flat = (value: string) => value.replace(/[\s\u00a0]+/g, ' ').trim();

/** The PDF's text as a reader's software extracts it. */
function pdfText(pdf: Buffer): string {
  const file = path.join(dir, `manual-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return flat(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }));
}

const binary = (res: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  ctx = await createTestContext();
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function manualPage(lang: Lang) {
  const res = await request(ctx.app).get(`/kep/manual?lang=${lang}`);
  expect(res.status).toBe(200);
  return cheerio.load(res.text);
}

describe('the user manual at /kep/manual', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`is public, in ${lang}, with every topic as a section and the contents linking to each`, async () => {
      const $ = await manualPage(lang);
      expect($('html').attr('lang')).toBe(lang);
      expect(flat($('h1').text())).toBe(TITLE[lang]);
      for (const topic of TOPICS) {
        const heading = $(`h2#${topic.id}`);
        expect(heading.length, topic.id).toBe(1);
        expect(flat(heading.text())).toBe(topic[lang]);
        // Each heading opens its own section, which has text under it.
        const section = heading.closest('section');
        expect(section.attr('aria-labelledby')).toBe(topic.id);
        expect(flat(section.find('p, li').text()).length).toBeGreaterThan(80);
        const entry = $(`#contents a[href="#${topic.id}"]`);
        expect(flat(entry.text())).toBe(topic[lang]);
      }
      expect($('main section > h2[id]').length).toBe(TOPICS.length);
      // Nothing shows a raw key, a nesting left unresolved, or a broken value.
      const text = flat($('main').text());
      expect(text).not.toMatch(/\$t\(|\{\{|\bundefined\b|NaN|\b(?:kep|emails|taxisnet)\.[a-z]+\./);
      // The help section names the municipality's phone as a link one can tap.
      const tel = $('#help').closest('section').find('a[href^="tel:"]');
      expect(tel.length).toBe(1);
      expect(tel.attr('href')).toMatch(/^tel:\+?\d{10,}$/);
      expect($('#help').closest('section').find('a[href^="mailto:"]').length).toBe(1);
      expect($('#privacy').closest('section').find('a[href="/privacy"]').length).toBe(1);
      // The printable version, in the page's language.
      expect($('a#manual-pdf').attr('href')).toBe(`/kep/manual.pdf?lang=${lang}`);
    });

    it(`shows screenshots of the portal in ${lang}, each with alt text, a size, and a PNG behind it`, async () => {
      const $ = await manualPage(lang);
      const images = $('main img').toArray();
      const shots = images.map((img) => $(img).closest('figure').attr('data-shot'));
      for (const screen of SCREENS) expect(shots, screen).toContain(screen);
      for (const img of images) {
        const src = $(img).attr('src') ?? '';
        const alt = $(img).attr('alt') ?? '';
        expect(src).toMatch(new RegExp(`^/kep/manual/screenshots/[a-z-]+-${lang}\\.png$`));
        // Alt text that says what the picture shows, in the page's language.
        expect(alt.length, src).toBeGreaterThan(40);
        expect(alt).toMatch(lang === 'el' ? /^Εικόνα/ : /^Screenshot/);
        expect(alt).not.toMatch(/\$t\(|\b(?:kep|emails)\.[a-z]+\./);
        expect(Number($(img).attr('width'))).toBeGreaterThan(300);
        expect(Number($(img).attr('height'))).toBeGreaterThan(100);
        expect(flat($(img).closest('figure').find('figcaption').text()).length).toBeGreaterThan(10);
        const res = await request(ctx.app).get(src).buffer(true).parse(binary);
        expect(res.status, src).toBe(200);
        expect(res.headers['content-type']).toBe('image/png');
        const body = res.body as Buffer;
        expect(body.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
        // The size the page gives is the picture's own (no layout shift, no stretching).
        expect(body.readUInt32BE(16)).toBe(Number($(img).attr('width')));
        expect(body.readUInt32BE(20)).toBe(Number($(img).attr('height')));
        expect(body.length).toBeLessThan(200_000);
      }
    });
  }

  it('serves only the screenshots it has: any other name is a 404', async () => {
    for (const name of ['nothing-el.png', '..%2Fmanual.routes.ts', 'kep-de.png', '%2E%2E%2F%2E%2E'])
      expect((await request(ctx.app).get(`/kep/manual/screenshots/${name}`)).status, name).toBe(
        404,
      );
  });
});

describe('the printable manual at /kep/manual.pdf', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`is a PDF in ${lang} with every section heading and its text`, async () => {
      const res = await request(ctx.app)
        .get(`/kep/manual.pdf?lang=${lang}`)
        .buffer(true)
        .parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(/^inline; filename="[a-z-]+\.pdf"$/);
      const body = res.body as Buffer;
      expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdfText(body);
      expect(text).toContain(TITLE[lang]);
      for (const topic of TOPICS) expect(text, topic.id).toContain(topic[lang]);
      // The text under the headings, not the headings alone: the phone to call, the 10 minutes.
      expect(text).toContain(ctx.deps.config.CONTACT_PHONE);
      expect(text).toContain(lang === 'el' ? '10 λεπτά πριν' : '10 minutes before');
      const other = lang === 'el' ? 'en' : 'el';
      expect(text).not.toContain(TOPICS[2]![other]);
    });
  }

  it('follows the language the site remembers (the cookie) when the address names none', async () => {
    const res = await request(ctx.app)
      .get('/kep/manual.pdf')
      .set('Cookie', 'lang=en')
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('kep-video-appointments-manual.pdf');
    expect(pdfText(res.body as Buffer)).toContain(TOPICS[0]!.en);
  });
});

describe('links to the manual', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`from /kep and from the home page, in ${lang}`, async () => {
      for (const page of ['/kep', '/']) {
        const res = await request(ctx.app).get(`${page}?lang=${lang}`);
        expect(res.status, page).toBe(200);
        const link = cheerio.load(res.text)('main a[href="/kep/manual"]');
        expect(link.length, page).toBe(1);
        expect(flat(link.text()).length).toBeGreaterThan(10);
      }
    });
  }
});

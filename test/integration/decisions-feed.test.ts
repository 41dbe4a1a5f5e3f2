import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecision } from '../helpers/factories.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let id: number;

beforeAll(async () => {
  ctx = await createTestContext();
  // Same meeting: 41 comes first in the feed, 40 second.
  // Control characters pasted from a word processor: XML 1.0 has no way to write them.
  id = await createDecision(ctx.db, {
    number: 41,
    year: 2026,
    category: 'kathariotita',
    subject: 'Καθαρισμός\u0001 παραλιών\u000B και\u001F πλατειών\uFFFE',
    summary: 'Πρόγραμμα\u0008 καθαριότητας\tγια\u0007 το καλοκαίρι.',
  });
  await createDecision(ctx.db, { number: 40, year: 2026, subject: 'Άλλη απόφαση & <όροι>' });
});
afterAll(() => ctx.close());

// Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets).
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Well-formed and allowed: no forbidden character, and every element closed as cheerio reads it. */
async function readFeed(lang: 'el' | 'en') {
  const res = await request(ctx.app).get(`/decisions/feed.atom${lang === 'en' ? '?lang=en' : ''}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('application/atom+xml');
  expect(FORBIDDEN.test(res.text), JSON.stringify(res.text.match(FORBIDDEN))).toBe(false);
  const $ = cheerio.load(res.text, { xml: { xmlMode: true, decodeEntities: true } });
  return { $, text: res.text };
}

describe('the Atom feed', () => {
  for (const lang of ['el', 'en'] as const) {
    it(`stays valid XML when a subject holds control characters (${lang})`, async () => {
      const { $ } = await readFeed(lang);
      const entry = $('feed > entry').filter((_i, el) =>
        $(el).find('id').text().endsWith(`/decisions/${id}`),
      );
      expect(entry.find('title').text()).toBe('41/2026: Καθαρισμός παραλιών και πλατειών');
      expect(entry.find('summary').text()).toBe('Πρόγραμμα καθαριότητας\tγια το καλοκαίρι.');
      expect($('feed > entry > title').eq(1).text()).toBe('40/2026: Άλλη απόφαση & <όροι>');
    });
  }

  it('speaks the language asked for, and marks the Greek decisions as Greek', async () => {
    const greek = (await readFeed('el')).$;
    expect(greek('feed').attr('xml:lang')).toBe('el');
    expect(greek('feed > title').text()).toMatch(/^Αποφάσεις Δημοτικού Συμβουλίου: /);
    expect(greek('feed > entry > category').eq(1).attr('label')).toBe('Οικονομικά');

    const { $: english } = await readFeed('en');
    expect(english('feed').attr('xml:lang')).toBe('en');
    expect(english('feed > title').text()).toMatch(/^Municipal Council decisions: /);
    expect(english('feed > link[rel="self"]').attr('href')).toMatch(
      /\/decisions\/feed\.atom\?lang=en$/,
    );
    const entry = english('feed > entry').eq(1);
    expect(entry.find('title').attr('xml:lang')).toBe('el');
    expect(entry.find('summary').attr('xml:lang')).toBe('el');
    expect(entry.find('category').attr('label')).toBe('Finance');
    expect(entry.find('link').attr('href')).toMatch(/\/decisions\/\d+\?lang=en$/);

    // The English list page points feed readers at the English feed.
    const page = cheerio.load((await request(ctx.app).get('/decisions?lang=en')).text);
    expect(page('link[rel="alternate"][type="application/atom+xml"]').attr('href')).toBe(
      '/decisions/feed.atom?lang=en',
    );
  });
});

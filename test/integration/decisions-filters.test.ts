import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecision } from '../helpers/factories.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
const RENOVATIONS = 23;

beforeAll(async () => {
  ctx = await createTestContext();
  // 23 decisions that a search for "ανακαίνιση" finds: more than one page of 20.
  for (let i = 1; i <= RENOVATIONS; i += 1) {
    await createDecision(ctx.db, {
      number: 200 + i,
      year: 2025,
      meeting_date: `2025-06-${String(i).padStart(2, '0')}`,
      category: i % 2 ? 'oikonomika' : 'dioikisi',
      subject: `Ανακαίνιση σχολικού κτιρίου αριθμός ${i}`,
    });
  }
  for (let i = 1; i <= 4; i += 1) {
    await createDecision(ctx.db, {
      number: 300 + i,
      year: 2026,
      meeting_date: `2026-01-0${i}`,
      category: 'politismos',
      subject: `Θερινό φεστιβάλ ${i}`,
    });
  }
});
afterAll(() => ctx.close());

const page = async (url: string) => {
  const res = await request(ctx.app).get(url);
  return { res, $: cheerio.load(res.text) };
};
const titles = ($: cheerio.CheerioAPI) =>
  $('.app-result h3')
    .map((_i, el) => $(el).text().trim())
    .get();
const heading = ($: cheerio.CheerioAPI) => $('#results-heading').text().trim();
const q = encodeURIComponent('ανακαίνιση');

describe('search results over more than one page', () => {
  it('counts the matches, numbers the list and links to a working page 2', async () => {
    const first = await page(`/decisions?q=${q}`);
    expect(heading(first.$)).toBe('23 αποφάσεις');
    expect(first.$('ol[start]').attr('start')).toBe('1');
    const onFirst = titles(first.$);
    expect(onFirst).toHaveLength(20);
    const next = first.$('.govuk-pagination__next a').attr('href');
    expect(next).toBe(`/decisions?q=${q}&page=2`);
    expect(first.$('.govuk-pagination__item--current a').text().trim()).toBe('1');

    const second = await page(next!);
    expect(second.res.status).toBe(200);
    expect(heading(second.$)).toBe('23 αποφάσεις');
    expect(second.$('ol[start]').attr('start')).toBe('21');
    const onSecond = titles(second.$);
    expect(onSecond).toHaveLength(3);
    // Page 2 continues page 1: together every match once.
    expect(new Set([...onFirst, ...onSecond]).size).toBe(RENOVATIONS);
    expect(second.$('.govuk-pagination__prev a').attr('href')).toBe(`/decisions?q=${q}`);

    const english = await page(`/decisions?q=${q}&lang=en`);
    expect(heading(english.$)).toBe('23 decisions');
  });

  it('shows no NaN, undefined or [object Object] for any combination of filters, on any page', async () => {
    const filters: [string, string][] = [
      ['q', 'ανακαίνιση'],
      ['year', '2025'],
      ['category', 'oikonomika'],
      ['from-day', '3'],
      ['to-day', '20'],
    ];
    const dateParts = (name: string): [string, string][] =>
      name === 'from-day'
        ? [
            ['from-month', '6'],
            ['from-year', '2025'],
          ]
        : name === 'to-day'
          ? [
              ['to-month', '6'],
              ['to-year', '2025'],
            ]
          : [];
    for (let mask = 0; mask < 1 << filters.length; mask += 1) {
      const chosen = filters.filter((_f, i) => mask & (1 << i));
      const params = new URLSearchParams(chosen.flatMap((f) => [f, ...dateParts(f[0])]));
      for (const extra of ['', '&page=2']) {
        const url = `/decisions?${params.toString()}${extra}`;
        // A page 2 past the last sends to the last page: followed, it answers like any other.
        const res = await request(ctx.app).get(url).redirects(1);
        const $ = cheerio.load(res.text);
        expect(res.status, url).toBe(200);
        expect($('main').text(), url).not.toMatch(/NaN|undefined|\[object Object\]/);
        expect(res.text, url).not.toMatch(/="(NaN|undefined)"|\[object Object\]/);
        expect(heading($), url).toMatch(/^(\d+ αποφάσεις|1 απόφαση)$/);
        const start = $('ol[start]').attr('start');
        if (start !== undefined) expect(start, url).toMatch(/^[1-9]\d*$/);
        expect($('.govuk-error-summary').length, url).toBe(0);
      }
    }
  });
});

describe('meeting dates as day, month and year', () => {
  it('offers three boxes per date with a day-month-year hint, not a browser date picker', async () => {
    const { $ } = await page('/decisions');
    expect($('input[type="date"]').length).toBe(0);
    for (const field of ['from', 'to']) {
      for (const part of ['day', 'month', 'year'])
        expect($(`label[for="${field}-${part}"]`).length, `${field}-${part}`).toBe(1);
      expect($(`#${field}-hint`).text()).toBe('Για παράδειγμα: 15 3 2026');
    }
    expect($('#filters legend').first().text().trim()).toBe('Συνεδρίαση από');
  });

  it('filters by a range and keeps it in the boxes and in the page links', async () => {
    const range = 'from-day=1&from-month=6&from-year=2025&to-day=22&to-month=6&to-year=2025';
    const { $ } = await page(`/decisions?${range}`);
    expect(heading($)).toBe('22 αποφάσεις');
    expect($('#from-day').val()).toBe('1');
    expect($('#from-month').val()).toBe('6');
    expect($('#to-year').val()).toBe('2025');
    expect($('.govuk-pagination__next a').attr('href')).toBe(`/decisions?${range}&page=2`);
    const second = await page(`/decisions?${range}&page=2`);
    expect(titles(second.$)).toEqual([
      'Ανακαίνιση σχολικού κτιρίου αριθμός 2',
      'Ανακαίνιση σχολικού κτιρίου αριθμός 1',
    ]);
    // The search box carries the dates along, and the filters form carries the search.
    const both = await page(`/decisions?q=${q}&${range}`);
    const hidden = (form: string) =>
      both
        .$(`${form} input[type="hidden"]`)
        .map((_i, el) => `${both.$(el).attr('name')}=${both.$(el).attr('value')}`)
        .get();
    expect(hidden('form[role="search"]')).toEqual(range.split('&'));
    expect(hidden('#filters')).toEqual(['q=ανακαίνιση']);
  });

  it('still reads links made with the old single date parameters', async () => {
    const { $ } = await page('/decisions?from=2025-06-20&to=2025-06-21');
    expect(titles($)).toEqual([
      'Ανακαίνιση σχολικού κτιρίου αριθμός 21',
      'Ανακαίνιση σχολικού κτιρίου αριθμός 20',
    ]);
    expect([$('#from-day').val(), $('#from-month').val(), $('#from-year').val()]).toEqual([
      '20',
      '6',
      '2025',
    ]);
    const bad = await page('/decisions?from=2026-02-31');
    expect(bad.$('#from-error').text()).toContain('Συνεδρίαση από: η ημερομηνία δεν υπάρχει');
  });

  it('refuses 31 February with a message that names the field, in Greek and English', async () => {
    const url = '/decisions?from-day=31&from-month=2&from-year=2026';
    const greek = await page(url);
    expect(greek.res.status).toBe(200);
    const message = 'Συνεδρίαση από: η ημερομηνία δεν υπάρχει, ελέγξτε ημέρα, μήνα και έτος';
    expect(greek.$('#from-error').text()).toContain(message);
    expect(greek.$('.govuk-error-summary a[href="#from-day"]').text()).toBe(message);
    expect(greek.$('#from-day').hasClass('govuk-input--error')).toBe(true);
    expect(greek.$('#from-day').val()).toBe('31');
    // Until the date is corrected there are no results: a list would look filtered and is not.
    expect(heading(greek.$)).toBe('Διορθώστε την αναζήτηση για να δείτε αποφάσεις');
    expect(titles(greek.$)).toEqual([]);

    const english = await page(`${url}&lang=en`);
    expect(english.$('#from-error').text()).toContain('Meeting from must be a real date');
    expect(english.$('.govuk-error-summary a[href="#from-day"]').text()).toBe(
      'Meeting from must be a real date',
    );
  });

  it('asks for the missing part of a half-typed date, naming the field', async () => {
    const { $ } = await page('/decisions?to-day=5&to-month=&to-year=2026');
    expect($('#to-error').text()).toContain('Συνεδρίαση έως: συμπληρώστε ημέρα, μήνα και έτος');
    const en = await page('/decisions?to-day=x&to-month=1&to-year=2026&lang=en');
    expect(en.$('#to-error').text()).toContain('Meeting to must be a real date');
  });

  it('treats empty boxes as no filter', async () => {
    const { $ } = await page(
      '/decisions?from-day=&from-month=&from-year=&to-day=+&to-month=&to-year=',
    );
    expect($('.govuk-error-summary').length).toBe(0);
    expect(heading($)).toBe('27 αποφάσεις');
  });

  it('reports a "to" date before the "from" date on the "to" field', async () => {
    const { $ } = await page(
      '/decisions?from-day=10&from-month=6&from-year=2025&to-day=9&to-month=6&to-year=2025',
    );
    expect($('#to-error').text()).toContain(
      'Η «Συνεδρίαση έως» δεν μπορεί να είναι πριν από τη «Συνεδρίαση από»',
    );
    expect($('.govuk-error-summary a[href="#to-day"]').length).toBe(1);
    expect($('#from-error').length).toBe(0);
    const en = await page(
      '/decisions?from-day=10&from-month=6&from-year=2025&to-day=9&to-month=6&to-year=2025&lang=en',
    );
    expect(en.$('#to-error').text()).toContain("'Meeting to' cannot be before 'Meeting from'");
  });
});

describe('Greek text in the English pages', () => {
  const GREEK = /[\u0370-\u03FF\u1F00-\u1FFF]/;
  /** Every piece of Greek text inside <main> sits in an element marked lang="el". */
  const unmarkedGreek = ($: cheerio.CheerioAPI) => {
    const found: string[] = [];
    $('main *')
      .contents()
      .each((_i, node) => {
        if (node.nodeType !== 3 || !GREEK.test(node.data)) return; // text nodes only
        const lang = $(node.parent!).closest('[lang]').attr('lang');
        if (lang !== 'el') found.push(node.data.trim());
      });
    return found;
  };

  it('marks the search hint’s Greek examples, and every other Greek text, as Greek', async () => {
    const list = await page(`/decisions?q=${q}&lang=en`);
    expect(
      list
        .$('#q-hint [lang="el"]')
        .map((_i, el) => list.$(el).text())
        .get(),
    ).toEqual(['προϋπολογισμός', 'καθαριότητα']);
    expect(unmarkedGreek(list.$)).toEqual([]);

    const id = await createDecision(ctx.db, { ada: 'ΨΘ82ΩΡΦ-7ΑΙ', subject: 'Με ΑΔΑ' });
    const detail = await page(`/decisions/${id}?lang=en`);
    expect(detail.res.status).toBe(200);
    expect(unmarkedGreek(detail.$)).toEqual([]);
  });
});

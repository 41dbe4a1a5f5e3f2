import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http-server.ts';
import { renderTextPdf } from '../../src/lib/pdf.ts';
import { createDecision } from '../helpers/factories.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
const ids: Record<string, number> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  ids.budget = await createDecision(ctx.db, {
    number: 12,
    year: 2026,
    meeting_date: '2026-02-10',
    category: 'oikonomika',
    subject: 'Έγκριση προϋπολογισμού οικονομικού έτους 2026',
    summary: 'Ο Δήμος εγκρίνει τα έσοδα και τα έξοδα.',
    ada: 'ΨΘ82ΩΡΦ-7ΑΙ',
  });
  ids.budgetSameMeeting = await createDecision(ctx.db, {
    number: 13,
    year: 2026,
    meeting_date: '2026-02-10',
    category: 'kathariotita',
    subject: 'Προμήθεια κάδων απορριμμάτων',
    summary: 'Για τις ανάγκες της καθαριότητας, σύμφωνα με τον προϋπολογισμό.',
  });
  ids.apofasi = await createDecision(ctx.db, {
    number: 3,
    year: 2025,
    meeting_date: '2025-05-20',
    category: 'dioikisi',
    subject: 'Απόφαση για τη συγκρότηση επιτροπής',
  });
  ids.draft = await createDecision(ctx.db, {
    number: 99,
    year: 2026,
    subject: 'Πρόχειρη απόφαση προϋπολογισμού',
    status: 'draft',
  });
  ids.xss = await createDecision(ctx.db, {
    number: 50,
    year: 2024,
    meeting_date: '2024-01-10',
    subject: 'Θέμα <script>alert(1)</script> ασφάλειας',
  });
  for (let i = 1; i <= 22; i += 1) {
    await createDecision(ctx.db, {
      number: 100 + i,
      year: 2023,
      meeting_date: `2023-06-${String(i).padStart(2, '0')}`,
      category: 'politismos',
      subject: `Πολιτιστική εκδήλωση αριθμός ${i}`,
    });
  }
});
afterAll(() => ctx.close());

const page = async (url: string) => {
  const res = await request(createHttpServer(ctx.app)).get(url);
  return { res, $: cheerio.load(res.text) };
};
const resultTitles = ($: cheerio.CheerioAPI) =>
  $('.app-result h3')
    .map((_i, el) => $(el).text().trim())
    .get();

describe('decisions list', () => {
  it('lists published decisions newest first, 20 a page, without drafts', async () => {
    const { res, $ } = await page('/decisions');
    expect(res.status).toBe(200);
    const titles = resultTitles($);
    expect(titles).toHaveLength(20);
    // Newest meeting first; within a meeting, the higher number first.
    expect(titles.slice(0, 2)).toEqual([
      'Προμήθεια κάδων απορριμμάτων',
      'Έγκριση προϋπολογισμού οικονομικού έτους 2026',
    ]);
    expect(titles.join()).not.toContain('Πρόχειρη');
    expect($('#results-heading').text()).toContain('26 αποφάσεις');
    const second = await page('/decisions?page=2');
    expect(resultTitles(second.$)).toHaveLength(6);
    expect(resultTitles(second.$).at(-1)).toBe('Πολιτιστική εκδήλωση αριθμός 1');
  });

  it('filters by year, category and meeting date range, and keeps the filters in the page links', async () => {
    expect(resultTitles((await page('/decisions?year=2025')).$)).toEqual([
      'Απόφαση για τη συγκρότηση επιτροπής',
    ]);
    expect(resultTitles((await page('/decisions?category=kathariotita')).$)).toEqual([
      'Προμήθεια κάδων απορριμμάτων',
    ]);
    expect(resultTitles((await page('/decisions?from=2023-06-20&to=2023-06-21')).$)).toEqual([
      'Πολιτιστική εκδήλωση αριθμός 21',
      'Πολιτιστική εκδήλωση αριθμός 20',
    ]);
    const { $ } = await page('/decisions?category=politismos');
    expect($('.govuk-pagination__next a').attr('href')).toBe(
      '/decisions?category=politismos&page=2',
    );
    expect($('#category option[selected]').attr('value')).toBe('politismos');
  });

  it('searches ignoring accents, diaeresis and case, finds inflected forms, and highlights matches', async () => {
    const plain = await page(`/decisions?q=${encodeURIComponent('προυπολογισμος')}`);
    const titles = resultTitles(plain.$);
    expect(titles).toEqual([
      'Έγκριση προϋπολογισμού οικονομικού έτους 2026',
      'Προμήθεια κάδων απορριμμάτων',
    ]);
    expect(plain.$('.app-result h3 mark').first().text()).toBe('προϋπολογισμού');
    const lower = await page(`/decisions?q=${encodeURIComponent('αποφαση')}`);
    expect(resultTitles(lower.$)).toEqual(['Απόφαση για τη συγκρότηση επιτροπής']);
    const upper = await page(`/decisions?q=${encodeURIComponent('ΕΠΙΤΡΟΠΕΣ')}`);
    expect(resultTitles(upper.$)).toEqual(['Απόφαση για τη συγκρότηση επιτροπής']);
  });

  it('ranks a match in the subject above a match in the summary only', async () => {
    const { $ } = await page(`/decisions?q=${encodeURIComponent('προϋπολογισμός')}`);
    expect(resultTitles($)[0]).toBe('Έγκριση προϋπολογισμού οικονομικού έτους 2026');
  });

  it('escapes what the database holds', async () => {
    const { res } = await page('/decisions?year=2024');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers bad filters with a message beside the field, never a 500', async () => {
    const year = await page('/decisions?year=abc');
    expect(year.res.status).toBe(200);
    expect(year.$('#year-error').text()).toContain('Το έτος πρέπει να είναι αριθμός');
    expect(year.$('.govuk-error-summary a[href="#year"]').length).toBe(1);
    // No results until the filter is corrected: a list would look filtered and is not.
    expect(resultTitles(year.$)).toHaveLength(0);

    const negative = await page('/decisions?page=-1');
    expect(negative.res.status).toBe(200);
    expect(resultTitles(negative.$)[0]).toBe('Προμήθεια κάδων απορριμμάτων');

    const long = await page(`/decisions?q=${encodeURIComponent('α'.repeat(5000))}&lang=en`);
    expect(long.res.status).toBe(200);
    expect(long.$('#q-error').text()).toContain('Search must be 200 characters or fewer');

    const date = await page('/decisions?from=2026-02-31&category=nope&to=yesterday');
    expect(date.res.status).toBe(200);
    expect(date.$('#from-error').text()).toContain('Συνεδρίαση από: η ημερομηνία δεν υπάρχει');
    expect(date.$('#to-error').length).toBe(1);
    expect(date.$('#category-error').length).toBe(1);

    // Past the last page: sent to the last one, which answers.
    const arrays = await request(ctx.app).get('/decisions?year=2025&year=2026&q[]=x&page=99999');
    expect(arrays.status).toBe(302);
    expect((await request(ctx.app).get(arrays.headers.location as string)).status).toBe(200);
  });

  it('shows an empty result for a query made only of punctuation', async () => {
    const { res, $ } = await page(`/decisions?q=${encodeURIComponent('!!! & | ( ')}`);
    expect(res.status).toBe(200);
    expect($('#results-heading').length).toBe(1);
  });
});

describe('the content cache', () => {
  // A write anywhere (here straight into the database) reaches the app by NOTIFY within milliseconds.
  const search = async () =>
    resultTitles((await page(`/decisions?q=${encodeURIComponent('ανακύκλωση')}`)).$);
  const poll = { timeout: 2000, interval: 20 };

  it('drops cached searches and pages when the database says content changed', async () => {
    expect(await search()).toEqual([]);
    expect(await search()).toEqual([]);
    const id = await createDecision(ctx.db, {
      number: 77,
      year: 2026,
      meeting_date: '2026-11-01',
      subject: 'Πρόγραμμα ανακύκλωσης',
    });
    await expect.poll(search, poll).toEqual(['Πρόγραμμα ανακύκλωσης']);
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(200);
    await ctx.db('decisions').where({ id }).update({ status: 'draft' });
    await expect
      .poll(async () => (await request(ctx.app).get(`/decisions/${id}`)).status, poll)
      .toBe(404);
    await expect.poll(search, poll).toEqual([]);
    await ctx.db('decisions').where({ id }).delete();
  });
});

describe('decision detail and document', () => {
  it('shows number, date, category, subject, summary, ADA with a Diavgeia link, and the same meeting', async () => {
    const { res, $ } = await page(`/decisions/${ids.budget}`);
    expect(res.status).toBe(200);
    expect($('h1').text()).toBe('Έγκριση προϋπολογισμού οικονομικού έτους 2026');
    const text = $('main').text();
    expect(text).toContain('12/2026');
    expect(text).toContain('10 Φεβρουαρίου 2026');
    expect(text).toContain('Οικονομικά');
    expect(text).toContain('Ο Δήμος εγκρίνει τα έσοδα και τα έξοδα.');
    expect(
      $(`a[href="https://diavgeia.gov.gr/doc/${encodeURIComponent('ΨΘ82ΩΡΦ-7ΑΙ')}"]`).length,
    ).toBe(1);
    expect(
      $('aside a')
        .map((_i, el) => $(el).attr('href'))
        .get(),
    ).toEqual([`/decisions/${ids.budgetSameMeeting}`]);
  });

  it('is 404 for drafts, unknown and malformed ids', async () => {
    expect((await request(ctx.app).get(`/decisions/${ids.draft}`)).status).toBe(404);
    expect((await request(ctx.app).get('/decisions/999999')).status).toBe(404);
    expect((await request(ctx.app).get('/decisions/abc')).status).toBe(404);
    expect((await request(ctx.app).get('/decisions/99999999999999999999')).status).toBe(404);
  });

  it('serves the PDF with its content type and a safe file name', async () => {
    const pdf = await renderTextPdf({
      author: 'Δήμος',
      title: 'Απόφαση 12/2026',
      sections: [{ text: 'Κείμενο' }],
    });
    const stored = await ctx.deps.documents.save(pdf);
    await ctx.db('decisions').where({ id: ids.budget }).update({ document_file: stored });
    // The write reaches the content cache by NOTIFY, a few milliseconds later.
    const fetchPdf = () => request(ctx.app).get(`/decisions/${ids.budget}/document`).buffer(true);
    await expect.poll(async () => (await fetchPdf()).status, { timeout: 2000 }).toBe(200);
    const res = await fetchPdf();
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="apofasi-12-2026.pdf"');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    await expect
      .poll(
        async () =>
          (await page(`/decisions/${ids.budget}`)).$(`a[href="/decisions/${ids.budget}/document"]`)
            .length,
        { timeout: 2000 },
      )
      .toBe(1);
    expect((await request(ctx.app).get(`/decisions/${ids.apofasi}/document`)).status).toBe(404);
  });
});

describe('Atom feed', () => {
  it('lists the latest published decisions as Atom', async () => {
    const res = await request(ctx.app).get('/decisions/feed.atom');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/atom+xml');
    const $ = cheerio.load(res.text, { xml: true });
    expect($('feed > entry').length).toBe(26);
    expect($('feed > entry > title').first().text()).toBe('13/2026: Προμήθεια κάδων απορριμμάτων');
    expect(res.text).not.toContain('Πρόχειρη');
    expect($('feed > link[rel="self"]').attr('href')).toMatch(/\/decisions\/feed\.atom$/);
  });
});

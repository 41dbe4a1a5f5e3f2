import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  const [money] = (await ctx
    .db('benefit_categories')
    .insert({
      slug: 'oikonomiki',
      name: { el: 'Οικονομική ενίσχυση', en: 'Financial support' },
      position: 1,
    })
    .returning('id')) as { id: number }[];
  const [housing] = (await ctx
    .db('benefit_categories')
    .insert({ slug: 'stegasi', name: { el: 'Στέγαση', en: 'Housing' }, position: 0 })
    .returning('id')) as { id: number }[];
  const benefit = (
    slug: string,
    categoryId: number,
    title: string,
    extra: Record<string, unknown> = {},
  ) => ({
    slug,
    category_id: categoryId,
    title: { el: title, en: `${title} (EN)` },
    summary: { el: 'Σύνοψη' },
    eligibility_md: {
      el: 'Δικαιούχοι είναι **όλοι** οι δημότες.',
      en: 'Every **resident** is eligible.',
    },
    documents_md: { el: '- Ταυτότητα\n- Εκκαθαριστικό' },
    how_to_apply_md: { el: 'Στο ΚΕΠ.' },
    links: JSON.stringify([
      { label: { el: 'gov.gr', en: 'gov.gr (EN)' }, url: 'https://www.gov.gr/' },
    ]),
    status: 'published',
    ...extra,
  });
  await ctx.db('benefits').insert([
    benefit('epidoma-enoikiou', housing!.id, 'Επίδομα ενοικίου'),
    benefit('koinoniko-pantopoleio', money!.id, 'Κοινωνικό παντοπωλείο', {
      contact_md: { el: 'Καλέστε μας <script>alert(1)</script> [εδώ](javascript:alert(1)).' },
    }),
    benefit('proxeiro', money!.id, 'Πρόχειρο επίδομα', { status: 'draft' }),
  ]);
  await ctx.db('health_services').insert([
    {
      slug: 'dimotiko-iatreio',
      kind: 'clinic',
      title: { el: 'Δημοτικό Ιατρείο', en: 'Municipal clinic' },
      summary: { el: 'Γενική ιατρική' },
      body_md: { el: 'Εξετάσεις **δωρεάν**.' },
      address: { el: 'Κουντουριώτου 10' },
      hours: { el: 'Δευτέρα 09:00–13:00' },
      phone: '28410 22222',
      what_to_bring_md: { el: '- ΑΜΚΑ\n- Ταυτότητα' },
      status: 'published',
    },
    {
      slug: 'antigripikos',
      kind: 'vaccination',
      title: { el: 'Αντιγριπικός εμβολιασμός' },
      summary: { el: 'Δωρεάν εμβόλιο' },
      body_md: { el: 'Κάθε Τετάρτη.' },
      address: { el: 'ΚΑΠΗ' },
      hours: { el: 'Τετάρτη' },
      phone: '28410 33333',
      status: 'published',
    },
  ]);
});
afterAll(() => ctx.close());

describe('benefits', () => {
  it('lists published benefits grouped by category', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/benefits')).text);
    expect(
      $('main h2')
        .map((_i, el) => $(el).text())
        .get(),
    ).toEqual(['Στέγαση', 'Οικονομική ενίσχυση']);
    expect(
      $('main h3 a')
        .map((_i, el) => $(el).attr('href'))
        .get(),
    ).toEqual(['/benefits/epidoma-enoikiou', '/benefits/koinoniko-pantopoleio']);
  });

  it('shows eligibility, documents, how to apply and links from sanitised Markdown', async () => {
    const res = await request(ctx.app).get('/benefits/koinoniko-pantopoleio');
    const $ = cheerio.load(res.text);
    expect($('h1').text()).toBe('Κοινωνικό παντοπωλείο');
    expect($('#eligibility').text()).toBe('Ποιος δικαιούται');
    expect($('section[aria-labelledby="eligibility"] strong').text()).toBe('όλοι');
    expect($('section[aria-labelledby="documents"] li').length).toBe(2);
    expect($('a[href="https://www.gov.gr/"]').text()).toBe('gov.gr');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('javascript:');
  });

  it('falls back to Greek where English is missing', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/benefits/epidoma-enoikiou?lang=en')).text);
    expect($('h1').text()).toBe('Επίδομα ενοικίου (EN)');
    expect($('#eligibility').text()).toBe('Who is eligible');
    expect($('section[aria-labelledby="documents"] li').first().text()).toBe('Ταυτότητα');
  });

  it('hides drafts and unknown slugs', async () => {
    expect((await request(ctx.app).get('/benefits/proxeiro')).status).toBe(404);
    expect((await request(ctx.app).get('/benefits/../etc')).status).toBe(404);
    expect((await request(ctx.app).get('/benefits/ΑΒΓ')).status).toBe(404);
  });
});

describe('health', () => {
  it('lists services by kind and shows address, hours, phone and what to bring', async () => {
    const list = cheerio.load((await request(ctx.app).get('/health')).text);
    expect(
      list('main h2')
        .map((_i, el) => list(el).text())
        .get(),
    ).toEqual(['Ιατρεία', 'Εμβολιασμοί']);
    const res = await request(ctx.app).get('/health/dimotiko-iatreio');
    const $ = cheerio.load(res.text);
    const text = $('main').text();
    expect(text).toContain('Κουντουριώτου 10');
    expect(text).toContain('Δευτέρα 09:00–13:00');
    // Non-breaking spaces keep the number on one line.
    expect($('a[href="tel:2841022222"]').text()).toBe('28410\u00a022222');
    expect(
      $('main li')
        .map((_i, el) => $(el).text())
        .get(),
    ).toEqual(['ΑΜΚΑ', 'Ταυτότητα']);
    expect((await request(ctx.app).get('/health/nothing-here')).status).toBe(404);
  });
});

import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('home and the e-services hub', () => {
  it('lists each service with who may use it, in Greek by default', async () => {
    const res = await request(ctx.app).get('/');
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('el');
    expect($('.govuk-header__service-name').text()).toBe('Ηλεκτρονικές Υπηρεσίες');
    expect($('.govuk-header__logotype-text').text()).toBe('Δήμος Αγίου Νικολάου');
    const cards = $('.app-service-card')
      .map((_i, el) => `${$(el).find('h3').text()}|${$(el).find('.govuk-tag').text()}`)
      .get();
    expect(cards).toEqual([
      'Αποφάσεις Δημοτικού Συμβουλίου|Ανοιχτή σε όλους',
      'Κοινωνικά Επιδόματα|Ανοιχτή σε όλους',
      'Υγεία|Ανοιχτή σε όλους',
      'Αιτήματα και καταγγελίες|Χρειάζεται λογαριασμό',
      'Πρόστιμα ΚΟΚ|Χρειάζεται λογαριασμό',
      'Δημοτικά τέλη και οφειλές|Χρειάζεται ταυτοπροσωπία',
      'Πιστοποιητικά|Χρειάζεται ταυτοπροσωπία',
      'Βιντεοραντεβού με το ΚΕΠ|Χρειάζεται κωδικούς TaxisNet',
      'Ψηφοφορίες|Χρειάζεται λογαριασμό',
    ]);
    expect($('a.govuk-skip-link').attr('href')).toBe('#main-content');
    expect($('footer a[href="/accessibility"]').length).toBe(1);
    expect($('footer a[href="/privacy"]').length).toBe(1);
    expect($('footer a[href="/contact"]').length).toBe(1);
  });

  it('switches to English, keeps the page, and remembers the choice in a cookie', async () => {
    const res = await request(ctx.app).get('/decisions?year=2026&lang=en');
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('en');
    expect($('h1').text()).toBe('Municipal Council decisions');
    expect($('a[hreflang="el"]').first().attr('href')).toBe('/decisions?year=2026&lang=el');
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('lang=en'));
    expect(cookie).toBeDefined();
    const next = await request(ctx.app).get('/benefits').set('Cookie', 'lang=en');
    expect(cheerio.load(next.text)('html').attr('lang')).toBe('en');
  });

  it('takes the municipality name and colour from config', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: ctx.databaseUrl,
      MUNICIPALITY_NAME_EL: 'Δήμος Δοκιμής',
      MUNICIPALITY_BRAND_COLOUR: '#225522',
    });
    const deps = createDeps(config, ctx.databaseUrl);
    try {
      const res = await request(createApp(deps)).get('/');
      expect(res.text).toContain('Δήμος Δοκιμής');
      expect(res.text).toContain('--app-brand: #225522');
    } finally {
      await deps.close();
    }
  });

  it('sends security headers with a nonce-based CSP', async () => {
    // A page rendered per visitor (public pages kept in memory use hashes: page-cache.test.ts).
    const res = await request(ctx.app).get('/login');
    const csp = String(res.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.text).toContain(`nonce="${nonce}"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-inline'");
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

describe('pages and errors', () => {
  it.each(['/accessibility', '/privacy', '/contact'])(
    '%s renders in both languages',
    async (path) => {
      const el = await request(ctx.app).get(path);
      const en = await request(ctx.app).get(`${path}?lang=en`);
      expect(el.status).toBe(200);
      expect(en.status).toBe(200);
      expect(cheerio.load(el.text)('h1').text()).not.toBe(cheerio.load(en.text)('h1').text());
    },
  );

  it('answers an unknown page with a 404 page in the chosen language', async () => {
    const el = await request(ctx.app).get('/no-such-page');
    expect(el.status).toBe(404);
    expect(cheerio.load(el.text)('h1').text()).toBe('Η σελίδα δεν βρέθηκε');
    const en = await request(ctx.app).get('/no-such-page?lang=en');
    expect(cheerio.load(en.text)('h1').text()).toBe('Page not found');
  });

  it('shows a 500 page without a stack trace in production', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: ctx.databaseUrl,
      SESSION_SECRET: 'a'.repeat(40),
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    const deps = createDeps(config, ctx.databaseUrl);
    try {
      await deps.db.raw('ALTER TABLE health_services RENAME TO health_services_gone');
      // The development mailbox does not exist in production.
      expect((await request(createApp(deps)).get('/dev/mailbox')).status).toBe(404);
      const res = await request(createApp(deps)).get('/health?lang=en');
      expect(res.status).toBe(500);
      const $ = cheerio.load(res.text);
      expect($('h1').text()).toBe('Sorry, there is a problem with the service');
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
      expect($('pre').length).toBe(0);
    } finally {
      await deps.db.raw('ALTER TABLE health_services_gone RENAME TO health_services');
      await deps.close();
    }
  });
});

describe('health checks', () => {
  it('/healthz and /readyz answer when the database is reachable', async () => {
    expect((await request(ctx.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(ctx.app).get('/readyz')).body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('/readyz is 503 when the database is not reachable', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    const deps = createDeps(config, config.DATABASE_URL!);
    try {
      const res = await request(createApp(deps)).get('/readyz');
      expect(res.status).toBe(503);
      expect((await request(createApp(deps)).get('/healthz')).status).toBe(200);
    } finally {
      await deps.close();
    }
  });
});

describe('anonymous visits', () => {
  it('do not create a session row', async () => {
    for (const path of [
      '/',
      '/decisions',
      '/benefits',
      '/health',
      '/decisions?q=test',
      '/accessibility',
    ]) {
      await request(ctx.app).get(path);
    }
    const row = (await ctx.db('session').count({ n: '*' }).first()) as { n: number };
    expect(Number(row.n)).toBe(0);
  });
});

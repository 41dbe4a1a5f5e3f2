import * as cheerio from 'cheerio';
import { Router } from 'express';
import request from 'supertest';
import { once } from 'node:events';
import { createServer, get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecision } from '../helpers/factories.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';

/** The response exactly as sent (supertest and fetch would decode it for us). */
async function getRaw(
  ctx: TestContext,
  path: string,
  acceptEncoding: string,
): Promise<{ res: IncomingMessage; body: Buffer }> {
  const server = createServer(ctx.app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = httpGet({
      host: '127.0.0.1',
      port,
      path,
      headers: { 'Accept-Encoding': acceptEncoding },
    });
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { res, body: Buffer.concat(chunks) };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  // Enough entries that the feed is worth compressing (above compression's 1 KiB threshold).
  for (let i = 0; i < 5; i += 1)
    await createDecision(ctx.db, { summary: 'Έγκριση του προϋπολογισμού του Δήμου. '.repeat(5) });
});
afterAll(() => ctx.close());

describe('compression', () => {
  it('sends the home page gzip-compressed to a client that asks for gzip', async () => {
    const { res, body } = await getRaw(ctx, '/', 'gzip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    const html = gunzipSync(body).toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(body.length).toBeLessThan(html.length / 2);
  });

  it('prefers brotli for the page, the stylesheet, the script and the feed', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/')).text);
    const appScript = await request(ctx.app).get($('script[type="module"]').attr('src')!);
    const govukScript = /from '\.\/(govuk-frontend[^']+)'/.exec(appScript.text)![1]!;
    const paths = [
      '/',
      $('link[rel="stylesheet"]').attr('href')!,
      `/assets/js/${govukScript}`,
      '/decisions/feed.atom',
    ];
    for (const path of paths) {
      const { res, body } = await getRaw(ctx, path, 'gzip, deflate, br');
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(brotliDecompressSync(body).length, path).toBeGreaterThan(body.length * 2);
    }
  });

  it('sends the page uncompressed to a client that does not ask', async () => {
    const { res, body } = await getRaw(ctx, '/', 'identity');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(body.toString('utf8').startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('Permissions-Policy', () => {
  it('turns off camera, microphone, geolocation and payment on every page', async () => {
    const res = await request(ctx.app).get('/');
    const policy = res.headers['permissions-policy'] as string | undefined;
    expect(policy).toBeDefined();
    const features = new Map(
      policy!.split(',').map((entry) => {
        const [name, value] = entry.trim().split('=');
        return [name, value];
      }),
    );
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment'])
      expect(features.get(feature), feature).toBe('()');
    const notFound = await request(ctx.app).get('/no-such-page');
    expect(notFound.headers['permissions-policy']).toBe(policy);
  });
});

describe('fingerprinted assets', () => {
  it('links the stylesheet under a fingerprint, served for a year, immutable', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/')).text);
    const href = $('link[rel="stylesheet"]').attr('href')!;
    expect(href).toMatch(/^\/assets\/css\/app\.[0-9a-f]{10}\.css$/);
    const css = await request(ctx.app).get(href);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toBe(YEAR_IMMUTABLE);
    expect(css.text).toContain('.govuk-header');
  });

  it("loads every file the stylesheet's url()s name: fonts and images, fingerprinted too", async () => {
    const $ = cheerio.load((await request(ctx.app).get('/')).text);
    const css = await request(ctx.app).get($('link[rel="stylesheet"]').attr('href')!);
    const urls = [...css.text.matchAll(/url\(["']?([^"')]+)["']?\)/g)].map((m) => m[1]!);
    expect(urls.some((url) => url.endsWith('.woff2'))).toBe(true);
    for (const url of new Set(urls)) {
      expect(url, url).toMatch(/\.[0-9a-f]{10}\.[a-z0-9]+$/);
      const res = await request(ctx.app).get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(YEAR_IMMUTABLE);
    }
  });

  it('answers 404 for an unknown fingerprint and for the old unversioned stylesheet', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/')).text);
    const href = $('link[rel="stylesheet"]').attr('href')!;
    const stale = href.replace(/\.[0-9a-f]{10}\.css$/, '.0123456789.css');
    expect(stale).not.toBe(href);
    for (const path of [stale, '/assets/css/app.css', '/assets/manifest.json']) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['cache-control'] ?? '', path).not.toContain('immutable');
    }
  });

  it('loads the page script from our origin, which imports GOV.UK Frontend by fingerprint', async () => {
    const res = await request(ctx.app).get('/');
    const $ = cheerio.load(res.text);
    expect($('script:not([src])').text()).not.toContain('initAll');
    const src = $('script[type="module"]').attr('src')!;
    expect(src).toMatch(/^\/assets\/js\/app\.[0-9a-f]{10}\.mjs$/);
    // The home page is kept in memory, so its inline script is allowed by hash, not nonce.
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+';/);
    const script = await request(ctx.app).get(src);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe(YEAR_IMMUTABLE);
    const imported = /from '\.\/(govuk-frontend\.min\.[0-9a-f]{10}\.js)'/.exec(script.text)?.[1];
    expect(imported).toBeDefined();
    const govuk = await request(ctx.app).get(`/assets/js/${imported}`);
    expect(govuk.status).toBe(200);
    expect(govuk.text).toContain('initAll');
  });

  it('keeps the logo under its plain name too, with a short cache', async () => {
    const $ = cheerio.load((await request(ctx.app).get('/')).text);
    expect($('.app-header__logo-img').attr('src')).toMatch(
      /^\/assets\/images\/logo\.[0-9a-f]{10}\.svg$/,
    );
    const plain = await request(ctx.app).get('/assets/images/logo.svg');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).not.toContain('immutable');
  });
});

describe('the document head', () => {
  let withOverride: TestContext;
  beforeAll(async () => {
    const router = Router();
    router.get('/described', (req, res) => {
      res.render('pages/views/privacy', {
        pageTitle: req.t('pages.privacy.title'),
        metaDescription: 'Τηλέφωνα και ώρες του Δήμου',
      });
    });
    withOverride = await createTestContext(
      { BASE_URL: 'https://eservices.example.gr/' },
      { extraFeatures: [{ router }] },
    );
  });
  afterAll(() => withOverride.close());

  it('describes every page, in the reader language, unless the view gives its own', async () => {
    const el = cheerio.load((await request(ctx.app).get('/benefits')).text);
    const en = cheerio.load((await request(ctx.app).get('/benefits?lang=en')).text);
    const greek = el('meta[name="description"]').attr('content') ?? '';
    const english = en('meta[name="description"]').attr('content') ?? '';
    expect(greek).toMatch(/Δήμου/);
    expect(english).toMatch(/municipality/i);
    const own = cheerio.load((await request(withOverride.app).get('/described')).text);
    expect(own('meta[name="description"]').length).toBe(1);
    expect(own('meta[name="description"]').attr('content')).toBe('Τηλέφωνα και ώρες του Δήμου');
  });

  it('links the page in Greek, in English and for everyone else, by absolute URL', async () => {
    const res = await request(withOverride.app).get('/benefits?lang=en&page=2');
    const $ = cheerio.load(res.text);
    const alternates = $('link[rel="alternate"][hreflang]')
      .map((_i, el) => `${$(el).attr('hreflang')} ${$(el).attr('href')}`)
      .get();
    expect(alternates).toEqual([
      'el https://eservices.example.gr/benefits?lang=el&page=2',
      'en https://eservices.example.gr/benefits?lang=en&page=2',
      'x-default https://eservices.example.gr/benefits?page=2',
    ]);
  });
});

describe('the staff area layout', () => {
  it('puts the staff navigation above the breadcrumbs and the main content, once', async () => {
    const { agent, id } = await signedInStaff(ctx.app, ctx.db, ['admin']);
    const res = await agent.get(`/staff/users/${id}`);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('nav.app-staff-nav').length).toBe(1);
    const all = $('*');
    const position = (selector: string) => all.index($(selector).first());
    expect(position('.govuk-breadcrumbs')).toBeGreaterThan(-1);
    expect(position('nav.app-staff-nav')).toBeLessThan(position('.govuk-breadcrumbs'));
    expect(position('nav.app-staff-nav')).toBeLessThan(position('main'));
    const publicPage = cheerio.load((await agent.get('/benefits')).text);
    expect(publicPage('nav.app-staff-nav').length).toBe(0);
  });
});

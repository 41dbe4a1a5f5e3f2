import * as cheerio from 'cheerio';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { MODULES } from '../../src/features/index.ts';
import { cspOf } from '../../src/features/registry.ts';
import { mapSettingsOf } from '../../src/features/requests/requests.config.ts';
import { type Agent, createActiveUser, newAgent, postForm, signIn } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const TILES = 'https://tiles.example.org/{z}/{x}/{y}.png';

/** The img-src directive of a response's policy, as a list of sources. */
function imgSrc(res: { headers: Record<string, string> }): string[] {
  const directive = res.headers['content-security-policy']!.split(';').find((part) =>
    part.trim().startsWith('img-src '),
  );
  return directive!.trim().split(/\s+/).slice(1);
}

async function signedIn(ctx: TestContext, name: string): Promise<Agent> {
  const user = await createActiveUser(ctx.db, name);
  const agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
  return agent;
}

let plain: TestContext;
let withTiles: TestContext;
let development: TestContext;
let citizen: Agent;

beforeAll(async () => {
  [plain, withTiles, development] = await Promise.all([
    createTestContext(),
    createTestContext({ MAP_TILE_URL: TILES, MAP_ATTRIBUTION: '© Example Tiles' }),
    createTestContext({ NODE_ENV: 'development' }),
  ]);
  citizen = await signedIn(plain, 'map-citizen');
});
afterAll(async () => {
  await Promise.all([plain?.close(), withTiles?.close(), development?.close()]);
});

describe('the first step without a tile server', () => {
  it('has no map, no map in its hint, and nothing more in img-src', async () => {
    for (const lang of ['el', 'en']) {
      const res = await citizen.get(`/requests/new?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(imgSrc(res)).toEqual(["'self'", 'data:']);
      const $ = cheerio.load(res.text);
      expect($('#location-map').length).toBe(0);
      expect($('[data-tiles]').length).toBe(0);
      expect(res.text).not.toContain('leaflet');
      expect($('#coordinates-hint').text()).not.toMatch(/map|χάρτ/i);
      expect($('#coordinates-hint').text()).toMatch(/35\.1911/);
      // The hint describes both coordinate fields.
      for (const field of ['#lat', '#lng'])
        expect($(field).attr('aria-describedby')?.split(' ')).toContain('coordinates-hint');
      // The enhancement is a file of our own (the CSP allows no inline script).
      expect($('script[type="module"][src*="/assets/js/request-map."]').length).toBe(1);
    }
  });

  it('may ask the browser for its location there, and nowhere else', async () => {
    const page = await citizen.get('/requests/new');
    expect(page.headers['permissions-policy']).toContain('geolocation=(self)');
    expect(page.headers['permissions-policy']).toContain('camera=()');
    const other = await citizen.get('/requests');
    expect(other.headers['permissions-policy']).toContain('geolocation=()');
  });

  it('refuses a point outside the municipality at the latitude field, in both languages', async () => {
    const categories = (await plain.db('request_categories').pluck('id')) as number[];
    for (const [lang, message] of [
      ['el', 'εκτός των ορίων του δήμου'],
      ['en', 'outside the municipality'],
    ] as const) {
      const res = await postForm(citizen, `/requests/new?lang=${lang}`, '/requests/new', {
        address: '',
        lat: '37.9838',
        lng: '23.7275',
        category: String(categories[0]),
      });
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      expect($('#lat-error').text()).toContain(message);
      expect($('#lat').attr('aria-describedby')).toBe('coordinates-hint lat-error');
      expect($('#lat').val()).toBe('37.9838');
      expect($('.govuk-error-summary a[href="#lat"]').text()).toContain(message);
    }
  });
});

describe('the first step’s error summary', () => {
  it('lists the errors in the order the fields come on the page', async () => {
    for (const [values, expected] of [
      [{ address: '', lat: '', lng: '', category: '' }, ['#address', '#category']],
      [{ address: '', lat: 'abc', lng: '', category: 'x' }, ['#lat', '#category']],
      [
        { address: 'x'.repeat(201), lat: '35.19', lng: '', category: '' },
        ['#address', '#lng', '#category'],
      ],
    ] as const) {
      const res = await postForm(citizen, '/requests/new', '/requests/new', values);
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      expect(
        $('.govuk-error-summary__list a')
          .map((_i, a) => $(a).attr('href'))
          .get(),
      ).toEqual(expected);
    }
  });
});

describe('the first step with a tile server', () => {
  it("allows the tile server's origin in img-src and gives the map its settings", async () => {
    const agent = await signedIn(withTiles, 'map-tiles');
    for (const lang of ['el', 'en']) {
      const res = await agent.get(`/requests/new?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(imgSrc(res)).toEqual(["'self'", 'data:', 'https://tiles.example.org']);
      const tools = cheerio.load(res.text)('#location-tools');
      expect(tools.attr('data-tiles')).toBe(TILES);
      expect(tools.attr('data-attribution')).toBe('© Example Tiles');
      expect(tools.attr('data-bounds')).toBe('34.95,25.45,35.35,25.95');
      expect(tools.attr('data-leaflet-script')).toMatch(
        /^\/assets\/vendor\/leaflet\/leaflet\.[0-9a-f]{10}\.js$/,
      );
      // Without JavaScript the container stays hidden and the hint does not mention a map.
      expect(tools.attr('hidden')).toBeDefined();
      expect(cheerio.load(res.text)('#coordinates-hint').text()).not.toMatch(/map|χάρτ/i);
    }
  });

  it('serves Leaflet from our own origin, cached for a year', async () => {
    const agent = await signedIn(withTiles, 'map-assets');
    const tools = cheerio.load((await agent.get('/requests/new')).text)('#location-tools');
    for (const name of ['leaflet-script', 'leaflet-css', 'marker-icon', 'marker-shadow']) {
      const res = await request(withTiles.app).get(tools.attr(`data-${name}`)!);
      expect(res.status, name).toBe(200);
      expect(res.headers['cache-control'], name).toBe('public, max-age=31536000, immutable');
    }
    const css = await request(withTiles.app).get(tools.attr('data-leaflet-css')!);
    // Its images by their fingerprinted names, beside it.
    const layers = /url\((images\/layers\.[0-9a-f]{10}\.png)\)/.exec(css.text)?.[1];
    expect(layers).toBeDefined();
    const cssUrl = tools.attr('data-leaflet-css')!;
    const image = await request(withTiles.app).get(
      `${cssUrl.slice(0, cssUrl.lastIndexOf('/'))}/${layers}`,
    );
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
  });

  it('names a {s} subdomain as a wildcard, and leaves tiles on our own origin out', () => {
    const test = { NODE_ENV: 'test' };
    expect(
      cspOf(
        MODULES,
        loadConfig({ ...test, MAP_TILE_URL: 'https://{s}.tile.example.org/{z}/{x}/{y}.png' }),
      ).imgSrc,
    ).toEqual(['https://*.tile.example.org']);
    expect(
      cspOf(
        MODULES,
        loadConfig({ ...test, MAP_TILE_URL: 'http://127.0.0.1:8080/t/{z}/{x}/{y}.png' }),
      ).imgSrc,
    ).toEqual(['http://127.0.0.1:8080']);
    expect(
      cspOf(MODULES, loadConfig({ ...test, MAP_TILE_URL: '/dev/tiles/{z}/{x}/{y}.png' })).imgSrc,
    ).toEqual([]);
    expect(cspOf(MODULES, loadConfig(test)).imgSrc).toEqual([]);
  });

  it('refuses a tile URL Leaflet or the CSP could not use, naming the setting', () => {
    for (const bad of [
      'https://tiles.example.org/tile.png',
      'ftp://tiles.example.org/{z}/{x}/{y}.png',
      '//tiles.example.org/{z}/{x}/{y}.png',
      'https://tiles.{s}.example.org/{z}/{x}/{y}.png',
      'https://user:secret@tiles.example.org/{z}/{x}/{y}.png',
    ])
      expect(() => loadConfig({ MAP_TILE_URL: bad }), bad).toThrow(
        /^Invalid setting MAP_TILE_URL: /,
      );
  });
});

describe('the development tile stand-in', () => {
  it('is the default map in development, with its attribution', async () => {
    const agent = await signedIn(development, 'map-dev');
    const res = await agent.get('/requests/new');
    const tools = cheerio.load(res.text)('#location-tools');
    expect(tools.attr('data-tiles')).toBe('/dev/tiles/{z}/{x}/{y}.png');
    expect(tools.attr('data-attribution')).toBe('Development tiles (no map data)');
    expect(imgSrc(res)).toEqual(["'self'", 'data:']);
    // Turned off on purpose.
    expect(cspOf(MODULES, loadConfig({ MAP_TILE_URL: 'none' })).imgSrc).toEqual([]);
  });

  it('draws a PNG for each tile, and nothing for tiles that do not exist', async () => {
    for (const ctx of [development, plain]) {
      const res = await request(ctx.app).get('/dev/tiles/12/2340/1603.png').buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      const metadata = await sharp(res.body as Buffer).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 256, 256]);
      // The same tile again comes from memory, byte for byte.
      const again = await request(ctx.app).get('/dev/tiles/12/2340/1603.png').buffer(true);
      expect(Buffer.compare(again.body as Buffer, res.body as Buffer)).toBe(0);
    }
    const other = await request(plain.app).get('/dev/tiles/12/2341/1603.png').buffer(true);
    expect(Buffer.compare(other.body as Buffer, Buffer.alloc(0))).not.toBe(0);
    for (const path of [
      '/dev/tiles/1/2/0.png',
      '/dev/tiles/0/0/1.png',
      '/dev/tiles/20/0/0.png',
      '/dev/tiles/-1/0/0.png',
      '/dev/tiles/1.5/0/0.png',
      '/dev/tiles/a/0/0.png',
    ])
      expect((await request(plain.app).get(path)).status, path).toBe(404);
  });

  it('does not exist in production, where no tile URL means no map and the stand-in is refused', async () => {
    const production = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: plain.databaseUrl,
      SESSION_SECRET: 'p'.repeat(40),
      SMTP_URL: 'smtp://127.0.0.1:2525',
    };
    const config = loadConfig(production);
    const deps = createDeps(config, plain.databaseUrl);
    try {
      const app = createApp(deps);
      expect((await request(app).get('/dev/tiles/0/0/0.png')).status).toBe(404);
      expect(cspOf(MODULES, config).imgSrc).toEqual([]);
      expect(mapSettingsOf(config)).toBeNull();
    } finally {
      await deps.close();
    }
    for (const stand_in of [
      '/dev/tiles/{z}/{x}/{y}.png',
      'https://portal.example.gov.gr/dev/tiles/{z}/{x}/{y}.png',
    ]) {
      // Refused when the config is read, before the app is built.
      const load = () => loadConfig({ ...production, MAP_TILE_URL: stand_in });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/^Invalid setting MAP_TILE_URL: .*production/);
    }
  });
});

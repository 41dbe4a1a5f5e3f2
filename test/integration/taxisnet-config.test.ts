/**
 * TaxisNet's settings as production reads them: refused when they cannot work or are the
 * stand-in's, off (no button, no routes) without credentials, and when on, GSIS allowed as a
 * form's destination by the Content-Security-Policy. Production never mounts the stand-in.
 */
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { taxisnetSettingsOf } from '../../src/features/taxisnet/taxisnet.config.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const STAND_IN_AUTHORIZE = '/dev/gsis/oauth2server/oauth/authorize';
const CREDENTIALS = { GSIS_CLIENT_ID: 'DimosTest01', GSIS_CLIENT_SECRET: 'issued-by-gsis' };
/** The heading of the page /auth/taxisnet answers when TaxisNet is off. */
const UNAVAILABLE = 'Η σύνδεση με TaxisNet δεν είναι διαθέσιμη';

/** The sources of the Content-Security-Policy's form-action. */
function formActionOf(answer: { headers: Record<string, unknown> }): string[] {
  const policy = String(answer.headers['content-security-policy']);
  return /form-action ([^;]*)/.exec(policy)?.[1]?.split(' ') ?? [];
}

/** What production needs besides TaxisNet (config.test.ts): its own secret, a database, SMTP. */
const production = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  SESSION_SECRET: 'p'.repeat(40),
  DATABASE_URL: 'postgres://x@localhost/db',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  BASE_URL: 'https://eservices.example.gov.gr',
};

describe('TaxisNet settings refused in production', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ ...production, ...env });

  it('a client id without its secret', () => {
    const withoutSecret = load({ GSIS_CLIENT_ID: 'DimosTest01' });
    expect(withoutSecret).toThrow(ConfigError);
    expect(withoutSecret).toThrow(/^Invalid setting GSIS_CLIENT_SECRET: /);
  });

  it('the development stand-in’s client, by its id or by its secret', () => {
    const devId = load({ GSIS_CLIENT_ID: 'dev-portal', GSIS_CLIENT_SECRET: 'something-else' });
    expect(devId).toThrow(ConfigError);
    expect(devId).toThrow(/^Invalid setting GSIS_CLIENT_ID: /);
    const devSecret = load({
      GSIS_CLIENT_ID: 'DimosTest01',
      GSIS_CLIENT_SECRET: 'dev-gsis-secret-never-in-production',
    });
    expect(devSecret).toThrow(/^Invalid setting GSIS_CLIENT_ID: /);
  });

  it('a GSIS server over plain http', () => {
    const plain = load({ ...CREDENTIALS, GSIS_BASE_URL: 'http://test.gsis.gr' });
    expect(plain).toThrow(ConfigError);
    expect(plain).toThrow(/^Invalid setting GSIS_BASE_URL: /);
  });

  it('a GSIS_BASE_URL that is not a URL, in any environment', () => {
    expect(load({ ...CREDENTIALS, GSIS_BASE_URL: 'www1.gsis.gr' })).toThrow(
      /^Invalid setting GSIS_BASE_URL: /,
    );
    expect(() => loadConfig({ GSIS_BASE_URL: 'www1.gsis.gr' })).toThrow(
      /^Invalid setting GSIS_BASE_URL: /,
    );
  });

  it('while outside production the same settings are let through (a test server, the stand-in)', () => {
    for (const env of [
      { GSIS_CLIENT_ID: 'DimosTest01' },
      { GSIS_CLIENT_ID: 'dev-portal', GSIS_CLIENT_SECRET: 'dev-gsis-secret-never-in-production' },
      { ...CREDENTIALS, GSIS_BASE_URL: 'http://127.0.0.1:9999/dev/gsis' },
    ])
      expect(taxisnetSettingsOf(loadConfig({ NODE_ENV: 'test', ...env })).clientId).toBe(
        env.GSIS_CLIENT_ID,
      );
  });

  it('but production with https and its own credentials starts', () => {
    const config = loadConfig({
      ...production,
      ...CREDENTIALS,
      GSIS_BASE_URL: 'https://test.gsis.gr',
    });
    expect(config.isProduction).toBe(true);
  });
});

describe('the portal built for production', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Only for its database: the apps below are built over it with production's settings.
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  /** The app as production builds it with these settings, for the length of `use`. */
  async function productionApp(
    env: Record<string, string>,
    use: (app: ReturnType<typeof createApp>) => Promise<void>,
  ): Promise<void> {
    const config = loadConfig({ ...production, DATABASE_URL: ctx.databaseUrl, ...env });
    const deps = createDeps(config, ctx.databaseUrl);
    try {
      await use(createApp(deps));
    } finally {
      await deps.close();
    }
  }

  const taxisnetLinks = (html: string) => cheerio.load(html)('a[href^="/auth/taxisnet"]').length;

  it('without GSIS_CLIENT_ID has TaxisNet off: no button, /auth/taxisnet a 404 page, no stand-in', async () => {
    await productionApp({}, async (app) => {
      const login = await request(app).get('/login');
      expect(login.status).toBe(200);
      expect(taxisnetLinks(login.text)).toBe(0);
      const register = await request(app).get('/register');
      expect(register.status).toBe(200);
      expect(taxisnetLinks(register.text)).toBe(0);

      for (const path of ['/auth/taxisnet', '/auth/taxisnet/callback?code=x&state=y']) {
        const off = await request(app).get(path);
        expect(off.status, path).toBe(404);
        expect(off.type).toBe('text/html');
        const $ = cheerio.load(off.text);
        expect($('h1').text().trim()).toBe(UNAVAILABLE);
        expect($('main a[href="/login"]').length).toBe(1);
        // No way back into what is off.
        expect($('main a[href="/auth/taxisnet"]').length).toBe(0);
      }
      expect((await request(app).get(STAND_IN_AUTHORIZE)).status).toBe(404);
      // Nothing to allow as a form's destination.
      expect(formActionOf(login)).toEqual(["'self'"]);
    });
  });

  it('with GSIS configured offers the button, sends the browser to GSIS and lets forms go there', async () => {
    await productionApp(CREDENTIALS, async (app) => {
      const login = await request(app).get('/login');
      expect(taxisnetLinks(login.text)).toBe(1);
      expect(formActionOf(login)).toEqual(["'self'", 'https://www1.gsis.gr']);

      const started = await request(app).get('/auth/taxisnet');
      expect(started.status).toBe(302);
      const authorize = new URL(started.headers.location as string);
      expect(authorize.origin + authorize.pathname).toBe(
        'https://www1.gsis.gr/oauth2server/oauth/authorize',
      );
      expect(authorize.searchParams.get('client_id')).toBe('DimosTest01');
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        'https://eservices.example.gov.gr/auth/taxisnet/callback',
      );
      expect(authorize.searchParams.get('scope')).toBe('read');
      expect(authorize.searchParams.get('state')).toBeTruthy();
    });
  });

  it('allows forms to GSIS’s test server when GSIS_BASE_URL names it (its origin, not its path)', async () => {
    await productionApp(
      { ...CREDENTIALS, GSIS_BASE_URL: 'https://test.gsis.gr/some/path/' },
      async (app) => {
        expect(formActionOf(await request(app).get('/'))).toEqual([
          "'self'",
          'https://test.gsis.gr',
        ]);
      },
    );
  });

  it('never mounts the GSIS stand-in, even with GSIS configured', async () => {
    await productionApp(CREDENTIALS, async (app) => {
      const query =
        '?response_type=code&client_id=dev-portal&scope=read&state=x' +
        `&redirect_uri=${encodeURIComponent('https://eservices.example.gov.gr/auth/taxisnet/callback')}`;
      expect((await request(app).get(`${STAND_IN_AUTHORIZE}${query}`)).status).toBe(404);
      expect(
        (
          await request(app)
            .post('/dev/gsis/oauth2server/oauth/token')
            .type('form')
            .send({ grant_type: 'authorization_code', code: 'x' })
        ).status,
      ).toBe(404);
      expect((await request(app).get('/dev/gsis/oauth2server/userinfo?format=xml')).status).toBe(
        404,
      );
    });
  });

  it('outside production, with the stand-in, allows no other form destination', async () => {
    expect(formActionOf(await request(ctx.app).get('/login'))).toEqual(["'self'"]);
    // …and the stand-in answers there.
    expect((await request(ctx.app).get('/dev/gsis/oauth2server/userinfo')).status).toBe(401);
  });
});

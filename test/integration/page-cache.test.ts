import * as cheerio from 'cheerio';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, signIn } from '../helpers/accounts.ts';
import { createDecision } from '../helpers/factories.ts';
import { untilListening } from '../helpers/caches.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let decisionId: number;
const logLines: Record<string, unknown>[] = [];
let renders = 0;

/** Changes a row without PostgreSQL announcing it, so only a page kept in memory shows the old text. */
async function silently(table: string, change: () => Promise<unknown>): Promise<void> {
  await ctx.db.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_notify_changed`);
  try {
    await change();
  } finally {
    await ctx.db.raw(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_notify_changed`);
  }
}

beforeAll(async () => {
  // Every log line the app writes, parsed.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  ctx = await createTestContext({}, { deps: () => ({ logger: pino({ level: 'info' }, sink) }) });
  // Counts the pages the app renders (Express's render, passed through untouched).
  const render = ctx.app.render.bind(ctx.app);
  ctx.app.render = ((...args: Parameters<typeof render>) => {
    renders += 1;
    render(...args);
  }) as typeof ctx.app.render;
  decisionId = await createDecision(ctx.db, {
    subject: 'Ανάπλαση της πλατείας',
    summary: 'Η πλατεία αλλάζει.',
  });
  const [category] = (await ctx
    .db('benefit_categories')
    .insert({ slug: 'stegasi', name: { el: 'Στέγαση', en: 'Housing' }, position: 0 })
    .returning('id')) as { id: number }[];
  await ctx.db('benefits').insert({
    slug: 'epidoma-enoikiou',
    category_id: category!.id,
    title: { el: 'Επίδομα ενοικίου', en: 'Rent allowance' },
    summary: { el: 'Σύνοψη', en: 'Summary' },
    eligibility_md: { el: 'Όλοι.', en: 'Everyone.' },
    documents_md: { el: 'Ταυτότητα.', en: 'Identity card.' },
    how_to_apply_md: { el: 'Στο ΚΕΠ.', en: 'At the KEP.' },
    links: JSON.stringify([]),
    status: 'published',
  });
  await ctx.db('health_services').insert({
    slug: 'dimotiko-iatreio',
    kind: 'clinic',
    title: { el: 'Δημοτικό Ιατρείο', en: 'Municipal clinic' },
    summary: { el: 'Γενική ιατρική', en: 'General practice' },
    body_md: { el: 'Εξετάσεις.', en: 'Check-ups.' },
    address: { el: 'Κουντουριώτου 10', en: '10 Kountouriotou' },
    hours: { el: 'Δευτέρα', en: 'Monday' },
    phone: '28410 22222',
    status: 'published',
  });
  await untilListening(ctx.deps.contentCache);
});
afterAll(() => ctx.close());

const publicPages = () => [
  '/',
  '/decisions',
  '/decisions?page=1',
  `/decisions/${decisionId}`,
  '/benefits',
  '/benefits/epidoma-enoikiou',
  '/health',
  '/health/dimotiko-iatreio',
  '/accessibility',
  '/privacy',
  '/contact',
];

let requestCounter = 0;
/** A request with its own id, so its log line can be found. */
async function get(path: string, headers: Record<string, string> = {}) {
  requestCounter += 1;
  const id = `page-cache-test-${requestCounter}`;
  const res = await request(ctx.app)
    .get(path)
    .set({ 'X-Request-Id': id, ...headers });
  const line = logLines.find((entry) => (entry.req as { id?: string } | undefined)?.id === id);
  return { res, line };
}

/** What a log line says apart from the moment, the process and the request id. */
function comparableLine(line: Record<string, unknown> | undefined) {
  if (!line) return undefined;
  const { time, pid, hostname, responseTime, req, ...rest } = line;
  void [time, pid, hostname];
  const { id, ...reqRest } = req as Record<string, unknown>;
  void id;
  return { ...rest, req: reqRest, responseTimeIsNumber: typeof responseTime === 'number' };
}

function comparableHeaders(headers: Record<string, string>) {
  const { date, 'x-request-id': requestId, ...rest } = headers;
  void [date, requestId];
  return rest;
}

const h1 = (html: string) => cheerio.load(html)('h1').first().text().trim();

describe('anonymous public pages served from memory', () => {
  it('renders each page once per language, until content_changed empties them all', async () => {
    ctx.deps.contentCache.invalidate();
    for (const path of publicPages()) {
      for (const lang of ['el', 'en']) {
        const before = renders;
        expect((await get(path, { Cookie: `lang=${lang}` })).res.status, path).toBe(200);
        expect(renders - before, `${path} ${lang}: first view`).toBe(1);
        await get(path, { Cookie: `lang=${lang}` });
        await get(path, { Cookie: `lang=${lang}` });
        expect(renders - before, `${path} ${lang}: later views`).toBe(1);
      }
    }
    // A change PostgreSQL did not announce is not seen: the page itself is kept.
    const path = `/decisions/${decisionId}`;
    await silently('decisions', () =>
      ctx.db('decisions').where({ id: decisionId }).update({ subject: 'Νέα πλατεία' }),
    );
    expect(h1((await get(path)).res.text)).toBe('Ανάπλαση της πλατείας');
    // An announced change (any write to public content) empties every page.
    await ctx.db('decisions').where({ id: decisionId }).update({ summary: 'Η πλατεία άλλαξε.' });
    await expect.poll(async () => h1((await get(path)).res.text)).toBe('Νέα πλατεία');
    const before = renders;
    await get('/contact');
    expect(renders - before).toBe(1);
  });

  it('sends the same headers and the same request-log line on the first and the second request', async () => {
    ctx.deps.contentCache.invalidate();
    for (const lang of ['el', 'en']) {
      for (const page of publicPages()) {
        const path = lang === 'en' ? `${page}${page.includes('?') ? '&' : '?'}lang=en` : page;
        const headers: Record<string, string> = lang === 'en' ? { Cookie: 'lang=en' } : {};
        const first = await get(path, headers);
        const second = await get(path, headers);
        expect(first.res.status, path).toBe(200);
        expect(second.res.status, path).toBe(200);
        expect(comparableHeaders(second.res.headers), path).toEqual(
          comparableHeaders(first.res.headers),
        );
        expect(first.res.headers['x-request-id']).not.toBe(second.res.headers['x-request-id']);
        expect(first.line, path).toBeDefined();
        expect(comparableLine(second.line), path).toEqual(comparableLine(first.line));
        expect(second.res.text).toBe(first.res.text);
        // The headers every page gets.
        for (const name of [
          'content-security-policy',
          'permissions-policy',
          'x-content-type-options',
          'x-frame-options',
          'referrer-policy',
          'etag',
        ])
          expect(second.res.headers[name], `${path} ${name}`).toBeTruthy();
      }
    }
  });

  it('allows its inline script and style by their sha256 hashes, with no nonce', async () => {
    for (const path of publicPages()) {
      const { res } = await get(path);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp, path).not.toContain('nonce');
      const $ = cheerio.load(res.text);
      expect($('[nonce]').length, path).toBe(0);
      const inline = (selector: string) =>
        $(selector)
          .map(
            (_i, el) =>
              `'sha256-${createHash('sha256')
                .update($(el).html() ?? '')
                .digest('base64')}'`,
          )
          .get();
      const scripts = inline('script:not([src])');
      const styles = inline('style');
      expect(scripts.length).toBeGreaterThan(0);
      expect(styles.length).toBeGreaterThan(0);
      const directive = (name: string) =>
        csp
          .split(';')
          .find((d) => d.trim().startsWith(`${name} `))
          ?.trim()
          .split(/\s+/)
          .slice(1);
      expect(directive('script-src')).toEqual(["'self'", ...scripts]);
      expect(directive('style-src')).toEqual(["'self'", ...styles]);
    }
  });

  it('answers a matching If-None-Match with 304 and the same security headers', async () => {
    for (const path of publicPages()) {
      const { res } = await get(path);
      const etag = res.headers.etag as string;
      expect(etag, path).toMatch(/^(W\/)?"[^"]+"$/);
      const again = await get(path, { 'If-None-Match': etag });
      expect(again.res.status, path).toBe(304);
      expect(again.res.text ?? '').toBe('');
      for (const name of ['content-security-policy', 'x-frame-options', 'permissions-policy'])
        expect(again.res.headers[name], name).toBe(res.headers[name]);
      expect(again.res.headers.etag).toBe(etag);
      // The other language is another representation with its own tag.
      const english = await get(path, { 'If-None-Match': etag, Cookie: 'lang=en' });
      expect(english.res.status, path).toBe(200);
      expect(english.res.headers.etag).not.toBe(etag);
    }
  });

  it('sends br or gzip as asked, the same page either way', async () => {
    const path = '/decisions';
    const plain = await request(ctx.app).get(path).set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    // Raw bytes off the wire (supertest would decompress them).
    const server = createServer(ctx.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const bytes = async (encoding: string, at = path) => {
        const res = await new Promise<IncomingMessage>((resolve, reject) =>
          httpGet(
            { host: '127.0.0.1', port, path: at, headers: { 'Accept-Encoding': encoding } },
            resolve,
          ).on('error', reject),
        );
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        return { headers: res.headers, body: Buffer.concat(chunks) };
      };
      const br = await bytes('gzip, br');
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).toString()).toBe(plain.text);
      const gzip = await bytes('gzip');
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).toString()).toBe(plain.text);
      expect(gzip.headers.vary).toMatch(/Accept-Encoding/i);
      // A page rendered for each visitor (a search) is compressed whole and sent with its length.
      const searchPath = `/decisions?q=${encodeURIComponent('πλατεία')}`;
      const searchPlain = await request(ctx.app).get(searchPath).set('Accept-Encoding', 'identity');
      const search = await bytes('gzip, br', searchPath);
      expect(search.headers['content-encoding']).toBe('br');
      expect(Number(search.headers['content-length'])).toBe(search.body.length);
      const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, '');
      expect(withoutNonce(brotliDecompressSync(search.body).toString())).toBe(
        withoutNonce(searchPlain.text),
      );
    } finally {
      server.close();
    }
  });

  it('is not used for searches, other query parameters, sessions or errors', async () => {
    const nonceIn = (res: request.Response) =>
      String(res.headers['content-security-policy']).includes("'nonce-");
    for (const path of [
      `/decisions?q=${encodeURIComponent('πλατεία')}`,
      '/decisions?year=2026',
      '/?utm_source=x',
      '/decisions/999999',
      '/login',
    ]) {
      const { res } = await get(path);
      expect(nonceIn(res), path).toBe(true);
    }
    // A visitor holding a session cookie (even one the app does not know) is not served from memory.
    const { res } = await get('/', { Cookie: 'sid=s%3Aunknown.signature' });
    expect(nonceIn(res)).toBe(true);
  });

  it('never gives a signed-in page to an anonymous visitor, nor the reverse', async () => {
    ctx.deps.contentCache.invalidate();
    const user = await createActiveUser(ctx.db, 'pagecache');
    const agent = newAgent(ctx.app);
    expect((await signIn(agent, user.username, user.password)).status).toBe(303);
    const signedIn = await agent.get('/');
    expect(signedIn.text).toContain('action="/logout"');
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const anonymous = await get('/');
    expect(anonymous.res.text).not.toContain('action="/logout"');
    expect(anonymous.res.text).not.toContain(user.username);
    const signedInAgain = await agent.get('/');
    expect(signedInAgain.text).toContain('action="/logout"');
    expect(String(signedInAgain.headers['content-security-policy'])).toContain("'nonce-");
  });
});

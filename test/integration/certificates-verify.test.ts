import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateRow } from '../../src/features/certificates/certificates.repository.ts';
import { VERIFY_LIMIT } from '../../src/features/certificates/verify/verify.routes.ts';
import { formatVerificationCode } from '../../src/features/certificates/verification-code.ts';
import { type Agent, newAgent } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { issueInstantCertificate } from '../helpers/certificates.ts';
import { countRenders, untilListening, untilShown } from '../helpers/caches.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// 15 June 2026, noon in Athens.
const now = new Date('2026-06-15T09:00:00Z');

/** Issues an instant certificate (registration in the roll) to a new verified citizen. */
async function issue(ctx: TestContext) {
  const issued = await issueInstantCertificate(ctx);
  return { ...issued, pdf: await readFile(ctx.deps.documents.pathOf(issued.certificate.file_key)) };
}

const cookiesOf = (res: { headers: Record<string, unknown> }) =>
  (res.headers['set-cookie'] as string[] | undefined) ?? [];
/** A page's HTML without what differs on every response or names the address (nonces, the path). */
const normalised = (html: string, path: string) =>
  html
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replaceAll(encodeURI(path), '/PATH')
    .replaceAll(path, '/PATH');

describe('/verify', () => {
  let ctx: TestContext;
  let issued: Awaited<ReturnType<typeof issue>>;
  let typeNames: { name_el: string; name_en: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: { now: () => now } });
    issued = await issue(ctx);
    typeNames = (await ctx
      .db('certificate_types')
      .where({ code: 'registration' })
      .first()) as typeof typeNames;
  }, 120_000);
  afterAll(() => ctx.close());

  /** Each test its own client address: look-ups are counted per address. */
  const visitor = (): Agent => newAgent(ctx.app);

  describe('the form', () => {
    it('is public, in Greek and English, and sets no cookie', async () => {
      for (const [lang, title] of [
        ['el', 'Επαλήθευση πιστοποιητικού'],
        ['en', 'Check a certificate'],
      ] as const) {
        const res = await visitor().get('/verify').set('Cookie', `lang=${lang}`);
        expect(res.status).toBe(200);
        expect(cookiesOf(res)).toEqual([]);
        const $ = cheerio.load(res.text);
        expect($('h1').text()).toBe(title);
        const form = $('form[action="/verify"]');
        expect(form.attr('method')).toBe('get');
        expect(form.find('input[name="code"]').length).toBe(1);
        expect(form.find('input[name="_csrf"]').length).toBe(0);
      }
    });

    it('goes to the page of the code however it was typed', async () => {
      const typed = issued.certificate.verification_code.toLowerCase().replace(/(.{4})/g, '$1 ');
      const res = await visitor().get('/verify').query({ code: typed });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(issued.path);
      const english = await visitor().get('/verify').query({ code: typed, lang: 'en' });
      expect(english.headers.location).toBe(`${issued.path}?lang=en`);
    });

    it('shows itself again with a message next to the field for an empty or malformed code', async () => {
      const empty = await visitor().get('/verify?code=');
      expect(empty.status).toBe(400);
      expect(cheerio.load(empty.text)('#code-error').text()).toContain(
        'Γράψτε τον κωδικό επαλήθευσης.',
      );
      for (const bad of ['1234', 'OOOO-IIII-0000', 'x'.repeat(500)]) {
        const res = await visitor().get('/verify').query({ code: bad });
        expect(res.status, bad).toBe(400);
        const $ = cheerio.load(res.text);
        expect($('#code-error').text()).toContain('12 γράμματα και ψηφία');
        expect($('.govuk-error-summary a[href="#code"]').length).toBe(1);
        expect($('#code').attr('value')).toBe(bad.slice(0, 40));
        expect(cookiesOf(res)).toEqual([]);
      }
    });
  });

  describe("a certificate's page", () => {
    it('shows its state, type, number, dates, masked holder, file fingerprint and seal', async () => {
      const res = await visitor().get(issued.path);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      expect($('#certificate-status').text()).toBe('Σε ισχύ');
      expect($('h1').text()).toBe(typeNames.name_el);
      const rows = Object.fromEntries(
        $('.govuk-summary-list__row')
          .map((_i, row) => [[$(row).find('dt').text().trim(), $(row).find('dd').text().trim()]])
          .get() as [string, string][],
      );
      expect(rows).toMatchObject({
        'Κωδικός επαλήθευσης': formatVerificationCode(issued.certificate.verification_code),
        'Είδος πιστοποιητικού': typeNames.name_el,
        'Αριθμός έκδοσης': issued.certificate.number,
        Δικαιούχος: 'Γι***** Μα*******',
        'Ημερομηνία έκδοσης': '15 Ιουνίου 2026',
        'Ισχύει έως': '15 Δεκεμβρίου 2026',
        'Αποτύπωμα SHA-256 του αρχείου': issued.certificate.file_sha256,
      });
      expect(rows['Ηλεκτρονική σφραγίδα']).toContain(ctx.deps.config.MUNICIPALITY_NAME_EL);
      expect(res.text).not.toContain('Μανωλάκης');
      expect(res.text).not.toContain(issued.family.afm);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-robots-tag']).toBe('noindex');
      expect(cookiesOf(res)).toEqual([]);
    });

    it('is rendered once and sent again as it was, until what it shows changes', async () => {
      const first = await visitor().get(issued.path);
      const again = await visitor().get(issued.path);
      expect(again.text).toBe(first.text);
      // Its inline script and style allowed by their hashes: no nonce to reuse.
      expect(again.headers['content-security-policy']).not.toContain("'nonce-");
      expect(again.headers['content-security-policy']).toContain("'sha256-");
      expect(again.headers['cache-control']).toBe('no-store');
      expect(cookiesOf(again)).toEqual([]);
    });

    it('is answered before Express once kept, counted against the limit, fresh after a revocation', async () => {
      await untilListening(ctx.deps.workCache);
      const own = await issue(ctx);
      const renders = countRenders(ctx.app);
      const agent = visitor();
      const first = await agent.get(own.path);
      expect(first.status).toBe(200);
      const rendered = renders();
      const lookups: string[] = [];
      const listen = (query: { sql: string }) => lookups.push(query.sql);
      ctx.db.on('query', listen);
      const kept = await agent.get(own.path);
      ctx.db.off('query', listen);
      // Neither rendered nor looked up again: sent as it was kept, with the same headers.
      expect(renders()).toBe(rendered);
      expect(lookups.filter((sql) => sql.includes('certificates'))).toEqual([]);
      expect(normalised(kept.text, own.path)).toBe(normalised(first.text, own.path));
      expect(kept.headers['cache-control']).toBe('no-store');
      expect(kept.headers['x-robots-tag']).toBe('noindex');
      expect(cookiesOf(kept)).toEqual([]);
      // The kept answers count: 2 so far, 28 more, then the router's 429.
      for (let i = 2; i < VERIFY_LIMIT.limit; i += 1)
        expect((await agent.get(own.path)).status).toBe(200);
      expect((await agent.get(own.path)).status).toBe(429);
      // A revocation empties the kept pages (NOTIFY work_changed): the next look-up says so.
      await ctx.services.certificates.revoke(own.application.id, 'Λάθος στοιχεία', {
        userId: null,
      });
      expect(cheerio.load(first.text)('#certificate-status').text()).toBe('Σε ισχύ');
      const revoked = await untilShown(visitor(), own.path, 'Ανακλήθηκε');
      expect(cheerio.load(revoked.text)('#certificate-status').text()).toBe('Ανακλήθηκε');
    });

    it('speaks English, with the type’s English name', async () => {
      const res = await visitor().get(issued.path).set('Cookie', 'lang=en');
      const $ = cheerio.load(res.text);
      expect($('#certificate-status').text()).toBe('Valid');
      expect($('h1').text()).toBe(typeNames.name_en);
      expect(res.text).toContain('valid until 15 December 2026');
    });

    it('takes no session even from a signed-in citizen: none read, none touched, no cookie', async () => {
      const sessions = async () =>
        (await ctx.db('session').select('sid', 'expire').orderBy('sid')) as unknown[];
      const before = await sessions();
      const res = await issued.family.agent.get(issued.path);
      expect(res.status).toBe(200);
      expect(cookiesOf(res)).toEqual([]);
      const $ = cheerio.load(res.text);
      // The page is the anonymous one: no sign-out form (it would need the session's token).
      expect($('form[action="/logout"]').length).toBe(0);
      expect(await sessions()).toEqual(before);
      // The citizen's session is still there for the rest of the site.
      const account = await issued.family.agent.get('/account');
      expect(account.status).toBe(200);
    });

    it('answers an unknown code and a malformed one with one plain "not found"', async () => {
      const unknown = '/verify/2345-6789-ABCD';
      const pages = [];
      for (const path of [
        unknown,
        '/verify/2345-6789-ABC0',
        '/verify/nothing',
        `/verify/${'A'.repeat(300)}`,
      ]) {
        const res = await visitor().get(path);
        expect(res.status, path).toBe(404);
        expect(cookiesOf(res)).toEqual([]);
        expect(cheerio.load(res.text)('h1').text()).toBe('Η σελίδα δεν βρέθηκε');
        pages.push(normalised(res.text, path));
      }
      for (const page of pages) expect(page).toBe(pages[0]);
      // Nothing of the certificate's page shows through.
      expect(pages[0]).not.toContain('certificate-status');
    });
  });

  describe('the comparison of a file with the issued one', () => {
    const send = (agent: Agent, path: string, content: Buffer, name = 'certificate.pdf') =>
      agent
        .post(path)
        .attach('document', content, { filename: name, contentType: 'application/pdf' });
    const resultOf = (html: string) => cheerio.load(html)('#comparison-result').attr('data-result');
    const errorOf = (html: string) => cheerio.load(html)('#document-error').text();

    it('needs no session or CSRF token, sets no cookie and changes nothing', async () => {
      const tables = [
        'certificates',
        'certificate_events',
        'audit_log',
        'session',
        'form_submissions',
        'rate_limits',
      ];
      const counts = async () =>
        Object.fromEntries(
          await Promise.all(
            tables.map(async (table) => [
              table,
              ((await ctx.db(table).count({ n: '*' }).first()) as { n: number }).n,
            ]),
          ),
        );
      const before = await counts();
      const row = await ctx
        .db<CertificateRow>('certificates')
        .where({ id: issued.certificate.id })
        .first();
      // Not even a cookie: a plain client, as a bank clerk's script would send it.
      const res = await request(ctx.app)
        .post(issued.path)
        .set('X-Forwarded-For', '10.77.0.1')
        .attach('document', issued.pdf, {
          filename: 'βεβαίωση.pdf',
          contentType: 'application/pdf',
        });
      expect(res.status).toBe(200);
      expect(resultOf(res.text)).toBe('same');
      expect(cookiesOf(res)).toEqual([]);
      const after = await counts();
      // Not a row anywhere (the limit per address is counted in memory).
      expect(after).toEqual(before);
      // The address as routing reads it, whatever its case.
      const shouted = await request(ctx.app)
        .post(issued.path.replace('/verify', '/VERIFY'))
        .set('X-Forwarded-For', '10.77.0.2')
        .attach('document', issued.pdf, 'certificate.pdf');
      expect(resultOf(shouted.text)).toBe('same');
      expect(
        await ctx.db<CertificateRow>('certificates').where({ id: issued.certificate.id }).first(),
      ).toEqual(row);
    });

    it('tells a different file from the issued one, whichever language', async () => {
      const other = Buffer.from(issued.pdf);
      const at = other.length - 200;
      other[at] = other[at]! ^ 0x20;
      const res = await send(visitor().set('Cookie', 'lang=en'), issued.path, other);
      expect(res.status).toBe(200);
      expect(resultOf(res.text)).toBe('different');
      expect(res.text).toContain('The file is not the one that was issued.');
      // The language switch leads to the certificate's page, not to a POST address.
      expect(cheerio.load(res.text)('a[hreflang="el"]').attr('href')).toBe(
        `${issued.path}?lang=el`,
      );
    });

    it('says clearly what is wrong with a file it cannot compare, next to the field', async () => {
      const cases: [string, (agent: Agent) => request.Test, string][] = [
        ['no file', (a) => a.post(issued.path).field('x', 'y'), 'Επιλέξτε το αρχείο PDF'],
        [
          'a plain form',
          (a) => a.post(issued.path).type('form').send({ document: 'x' }),
          'Επιλέξτε το αρχείο PDF',
        ],
        ['an empty file', (a) => send(a, issued.path, Buffer.alloc(0)), 'Το αρχείο είναι κενό.'],
        [
          'not a PDF',
          (a) => send(a, issued.path, Buffer.from('hello, I am text'), 'fake.pdf'),
          'δεν είναι PDF',
        ],
        [
          'over 5 MB',
          (a) =>
            send(
              a,
              issued.path,
              Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)]),
            ),
          'μεγαλύτερο από 5 MB',
        ],
        [
          'two files',
          (a) =>
            send(a, issued.path, issued.pdf).attach('document', issued.pdf, {
              filename: 'again.pdf',
              contentType: 'application/pdf',
            }),
          'ένα μόνο αρχείο PDF',
        ],
      ];
      for (const [name, post, message] of cases) {
        const res = await post(visitor());
        expect(res.status, name).toBe(400);
        expect(errorOf(res.text), name).toContain(message);
        expect(
          cheerio.load(res.text)('.govuk-error-summary a[href="#document"]').length,
          name,
        ).toBe(1);
        expect(resultOf(res.text), name).toBeUndefined();
        expect(cookiesOf(res), name).toEqual([]);
      }
    });

    it('answers an unknown code with the same "not found" as a look-up', async () => {
      const res = await send(visitor(), '/verify/2345-6789-ABCD', issued.pdf);
      expect(res.status).toBe(404);
      expect(cheerio.load(res.text)('h1').text()).toBe('Η σελίδα δεν βρέθηκε');
    });
  });

  describe('the limit per address', () => {
    it(`allows ${VERIFY_LIMIT.limit} look-ups and comparisons an hour, then says to wait`, async () => {
      const agent = visitor();
      const paths = [issued.path, '/verify/2345-6789-ABCD', '/verify/nothing'];
      for (let i = 0; i < VERIFY_LIMIT.limit; i += 1) {
        const res =
          i % 4 === 3
            ? await agent.post(issued.path).attach('document', issued.pdf, 'certificate.pdf')
            : await agent.get(paths[i % paths.length]!);
        expect(res.status, `request ${i + 1}`).not.toBe(429);
      }
      for (const res of [
        await agent.get(issued.path),
        await agent.get('/verify/2345-6789-ABCD'),
        await agent.post(issued.path).attach('document', issued.pdf, 'certificate.pdf'),
      ]) {
        expect(res.status).toBe(429);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        // One more check every two minutes (30 an hour).
        expect(Number(res.headers['retry-after'])).toBe(120);
        const $ = cheerio.load(res.text);
        expect($('h1').text()).toBe('Πάρα πολλοί έλεγχοι');
        expect(res.text).toContain('Περιμένετε λίγα λεπτά και δοκιμάστε ξανά.');
        // Nothing about the certificate while the limit holds.
        expect(res.text).not.toContain(issued.certificate.file_sha256);
      }
      // The form itself looks nothing up; another address is not held back.
      expect((await agent.get('/verify')).status).toBe(200);
      expect((await visitor().get(issued.path)).status).toBe(200);
    });
  });
});

describe('/verify in a browser', () => {
  let server: LiveServer;
  let browser: Browser;
  let issued: Awaited<ReturnType<typeof issue>>;
  let revokedPath = '';

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      issued = await issue(live);
      const revoked = await issue(live);
      await live.services.certificates.revoke(revoked.application.id, 'Λάθος', { userId: null });
      revokedPath = revoked.path;
    });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('works without JavaScript: the code typed, the page shown, the file compared', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/verify`);
    await page.fill('#code', issued.certificate.verification_code.toLowerCase());
    await page.click('form[action="/verify"] button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}${issued.path}`);
    expect(await page.textContent('#certificate-status')).toBe('Σε ισχύ');
    await page.setInputFiles('#document', {
      name: 'certificate.pdf',
      mimeType: 'application/pdf',
      buffer: issued.pdf,
    });
    await page.click(`form[action="${issued.path}"] button[type="submit"]`);
    await page.waitForSelector('#comparison-result');
    expect(await page.getAttribute('#comparison-result', 'data-result')).toBe('same');
    expect(await context.cookies()).toEqual([]);
    await context.close();
  }, 120_000);

  it('passes axe on every page and state, in Greek and English', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const lang of ['el', 'en']) {
      for (const path of ['/verify', '/verify?code=12', issued.path, revokedPath]) {
        await page.goto(`${server.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        await expectAccessible(page);
      }
      await page.goto(`${server.baseUrl}${issued.path}?lang=${lang}`);
      await page.click(`form[action="${issued.path}"] button[type="submit"]`);
      await page.waitForSelector('#document-error');
      await expectAccessible(page);
      await page.goto(`${server.baseUrl}${issued.path}?lang=${lang}`);
      await page.setInputFiles('#document', {
        name: 'c.pdf',
        mimeType: 'application/pdf',
        buffer: issued.pdf,
      });
      await page.click(`form[action="${issued.path}"] button[type="submit"]`);
      await page.waitForSelector('#comparison-result');
      await expectAccessible(page);
    }
    await context.close();
  }, 300_000);
});

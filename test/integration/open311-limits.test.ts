import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/features/api/api-keys.repository.ts';
import { MODULES } from '../../src/features/index.ts';
import { ANONYMOUS_READS } from '../../src/features/open311/open311.limits.ts';
import { createActiveUser, drainMail, linkIn } from '../helpers/accounts.ts';
import { untilListening } from '../helpers/caches.ts';
import { insertRequest } from '../helpers/requests.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';

// Thursday 26 November 2026, 10:00 in Athens; the tests move the clock on.
let now = new Date('2026-11-26T08:00:00Z');
const V2 = '/open311/v2';

const open311Module = MODULES.find((module) => module.name === 'open311')!;

let ctx: TestContext;
let server: Server;
let citizen: number;
let writer: string;
let readAll: string;
/** The list queries that reached PostgreSQL (the answer cache's misses). */
let listQueries = 0;

type Item = Record<string, unknown>;
const get = (path: string, address: string) =>
  request(server).get(path).set('X-Forwarded-For', address);
const ids = (body: unknown) => (body as Item[]).map((item) => item.service_request_id);

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
  server = createServer(ctx.app).listen(0);
  ctx.db.on('query', (query: { sql: string }) => {
    if (query.sql.includes('unnest(ARRAY(')) listQueries += 1;
  });
  citizen = (await createActiveUser(ctx.db, 'open311-limits')).id;
  const staff = await createActiveUser(ctx.db, 'open311-admin', { roles: ['admin'] });
  writer = (
    await createApiKey(ctx.db, {
      appName: 'Δημότης App',
      scopes: ['open311:write'],
      createdBy: staff.id,
    })
  ).key;
  readAll = (
    await createApiKey(ctx.db, {
      appName: 'Δημοτικό σύστημα',
      scopes: ['open311:read-all'],
      createdBy: staff.id,
    })
  ).key;
  await untilListening(ctx.deps.workCache);
});
afterAll(async () => {
  server?.close();
  await ctx.close();
});

/** Asks until the answer passes `check` (a change is heard within milliseconds), 3 s at most. */
async function eventually(path: string, address: string, check: (body: unknown) => boolean) {
  for (let waited = 0; ; waited += 50) {
    const res = await get(path, address);
    expect(res.status).toBe(200);
    if (check(res.body) || waited >= 3000) return res.body as unknown;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET requests kept in memory', () => {
  const address = '198.51.100.1';
  const list = `${V2}/requests.json?service_code=pothole`;

  it('answers the second call from memory, and a new request after the change is heard', async () => {
    const first = await insertRequest(ctx.db, citizen, 'pothole', {
      public: true,
      created_at: new Date('2026-11-25T08:00:00Z'),
    });
    await untilListening(ctx.deps.workCache);
    const before = listQueries;
    const res = await get(list, address);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([first.url]);
    const again = await get(list, address);
    expect(again.text).toBe(res.text);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.headers['cache-control']).toBe('no-store');
    // The kept answer goes out before Express (page-cache.ts) with the headers the router sends,
    // the shared ones (request id, security headers) included.
    for (const name of ['content-type', 'vary', 'content-length', 'x-content-type-options'])
      expect(again.headers[name], name).toBe(res.headers[name]);
    expect(again.headers['x-request-id']).toBeTruthy();
    const csp = (header: unknown) => String(header).replace(/'nonce-[^']*'/g, '');
    expect(csp(again.headers['content-security-policy'])).toBe(
      csp(res.headers['content-security-policy']),
    );
    // A wrong key, or a NUL, is still the router's to refuse, the answer kept or not.
    expect((await get(`${list}&api_key=wrong`, address)).status).toBe(403);
    expect((await get(`${list}&status=open%00`, address)).status).toBe(400);
    // Also in the same query written another way (the codes repeated): one kept answer.
    expect((await get(`${list},pothole`, address)).text).toBe(res.text);
    expect(listQueries - before).toBe(1);

    const xml = await get(`${V2}/requests.xml?service_code=pothole`, address);
    expect(xml.text).toContain(`<service_request_id>${first.url}</service_request_id>`);
    expect(listQueries - before).toBe(2);

    const second = await insertRequest(ctx.db, citizen, 'pothole', {
      public: true,
      created_at: new Date('2026-11-26T07:00:00Z'),
    });
    const body = await eventually(list, address, (b) => ids(b).includes(second.url));
    expect(ids(body)).toEqual([second.url, first.url]);
    const xmlAgain = await get(`${V2}/requests.xml?service_code=pothole`, address);
    expect(xmlAgain.text).toContain(`<service_request_id>${second.url}</service_request_id>`);
  });

  it('keeps apart what a read-all key sees and what anyone sees', async () => {
    const hidden = await insertRequest(ctx.db, citizen, 'light-out', {
      public: false,
      created_at: new Date('2026-11-24T08:00:00Z'),
    });
    const shown = await insertRequest(ctx.db, citizen, 'light-out', {
      public: true,
      created_at: new Date('2026-11-23T08:00:00Z'),
    });
    await untilListening(ctx.deps.workCache);
    const path = `${V2}/requests.json?service_code=light-out`;
    // The read-all answer first: the anonymous call after it must not be given it.
    const everything = await get(`${path}&api_key=${readAll}`, address);
    expect(ids(everything.body)).toEqual([hidden.url, shown.url]);
    const anyone = await get(path, address);
    expect(ids(anyone.body)).toEqual([shown.url]);
    // A key without read-all reads as anyone does.
    expect(ids((await get(`${path}&api_key=${writer}`, address)).body)).toEqual([shown.url]);
    expect(ids((await get(`${path}&api_key=${readAll}`, address)).body)).toEqual([
      hidden.url,
      shown.url,
    ]);
    // And each language has its own answer.
    const english = (await get(`${path}&locale=en`, address)).body as Item[];
    const greek = (await get(path, address)).body as Item[];
    expect(english[0]!.service_name).not.toBe(greek[0]!.service_name);
  });

  it('moves the default 90 days on at midnight in Athens, with no change to hear', async () => {
    const edge = await insertRequest(ctx.db, citizen, 'parks', {
      public: true,
      // 09:00 in Athens on 29 August: the first of the 90 days that end on 26 November.
      created_at: new Date('2026-08-29T06:00:00Z'),
    });
    await untilListening(ctx.deps.workCache);
    const path = `${V2}/requests.json?service_code=parks`;
    try {
      now = new Date('2026-11-26T21:58:00Z'); // 23:58 in Athens
      expect(ids((await get(path, address)).body)).toEqual([edge.url]);
      expect(ids((await get(path, address)).body)).toEqual([edge.url]);
      // Three minutes on (younger than the cache's 5-minute age limit), a new day.
      now = new Date('2026-11-26T22:01:00Z');
      expect(ids((await get(path, address)).body)).toEqual([]);
    } finally {
      now = new Date('2026-11-26T08:00:00Z');
    }
  });
});

describe('a timeline entry written on its own', () => {
  it('shows in the kept answer once its NOTIFY arrives, the request row untouched', async () => {
    const shown = await insertRequest(ctx.db, citizen, 'tree-pruning', {
      public: true,
      created_at: new Date('2026-11-25T10:00:00Z'),
    });
    const path = `${V2}/requests.json?service_code=tree-pruning`;
    await untilListening(ctx.deps.workCache);
    await eventually(path, '198.51.100.7', (b) => ids(b).includes(shown.url));
    // Kept now: another call reaches no query.
    const before = listQueries;
    await get(path, '198.51.100.7');
    expect(listQueries).toBe(before);
    await ctx.db('request_events').insert({
      request_id: shown.id,
      kind: 'document',
      public_note: 'Η απόφαση καθαρισμού επισυνάφθηκε.',
      by_citizen: false,
    });
    const body = await eventually(path, '198.51.100.7', (b) =>
      (b as Item[]).some((i) => i.status_notes === 'Η απόφαση καθαρισμού επισυνάφθηκε.'),
    );
    const item = (body as Item[]).find((i) => i.service_request_id === shown.url);
    expect(item?.status_notes).toBe('Η απόφαση καθαρισμού επισυνάφθηκε.');
  });
});

describe('a category that shows only the street', () => {
  it('gives anyone the street without the house number and no point; a read-all key the exact place', async () => {
    await ctx
      .db('request_categories')
      .where({ slug: 'pavement' })
      .update({ public_location: 'street' });
    const street = await insertRequest(ctx.db, citizen, 'pavement', {
      public: true,
      address: 'Ρούσσου Κουνδούρου 12, μπροστά στο περίπτερο',
      lat: 35.19123,
      lng: 25.71456,
      created_at: new Date('2026-11-25T09:00:00Z'),
    });
    const path = `${V2}/requests.json?service_code=pavement`;
    const anyone = await eventually(path, '198.51.100.9', (b) => ids(b).includes(street.url));
    const item = (anyone as Item[]).find((i) => i.service_request_id === street.url)!;
    expect(item.address).toBe('Ρούσσου Κουνδούρου');
    expect(item.lat).toBeUndefined();
    expect(item.long).toBeUndefined();
    const one = await get(`${V2}/requests/${street.url}.xml`, '198.51.100.9');
    expect(one.text).toContain('<address>Ρούσσου Κουνδούρου</address>');
    expect(one.text).not.toContain('<lat>');
    const everything = await get(`${path}&api_key=${readAll}`, '198.51.100.9');
    const exact = (everything.body as Item[]).find((i) => i.service_request_id === street.url)!;
    expect(exact.address).toBe('Ρούσσου Κουνδούρου 12, μπροστά στο περίπτερο');
    expect(exact.lat).toBe(35.19123);
  });
});

describe('calls without a key, per address', () => {
  const address = '203.0.113.9';

  it(`answers ${ANONYMOUS_READS.limit} in 5 minutes, then 429 in the spec’s format with Retry-After`, async () => {
    for (let n = 0; n < ANONYMOUS_READS.limit; n += 1) {
      const res = await get(`${V2}/${n % 2 ? 'discovery' : 'services'}.json`, address);
      expect(res.status, `call ${n + 1}`).toBe(200);
    }
    const json = await get(`${V2}/requests.json`, address);
    expect(json.status).toBe(429);
    expect(Number(json.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(json.headers['retry-after'])).toBeLessThanOrEqual(2);
    const [error] = json.body as { code: number; description: string }[];
    expect(error).toEqual({ code: 429, description: expect.stringContaining('api_key') as string });
    const xml = await get(`${V2}/services.xml?locale=en`, address);
    expect(xml.status).toBe(429);
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.headers['retry-after']).toBeDefined();
    expect(xml.text).toMatch(/<errors><error><code>429<\/code><description>Too many calls/);

    // Another address is not limited, nor is the same one with a valid key; a wrong key is refused.
    expect((await get(`${V2}/services.json`, '203.0.113.10')).status).toBe(200);
    expect((await get(`${V2}/services.json?api_key=${writer}`, address)).status).toBe(200);
    expect((await get(`${V2}/requests.json?api_key=${readAll}`, address)).status).toBe(200);
    const wrong = await get(`${V2}/services.json?api_key=abcdefgh.${'x'.repeat(43)}`, address);
    expect(wrong.status).toBe(403);

    // The bucket fills again at one call a second.
    now = new Date(now.getTime() + Number(json.headers['retry-after']) * 1000);
    expect((await get(`${V2}/services.json`, address)).status).toBe(200);
    expect((await get(`${V2}/services.json`, address)).status).toBe(429);
  });
});

describe('the privacy hooks (exportFor, eraseFor)', () => {
  const file = (email: string, description: string) =>
    request(server).post(`${V2}/requests.json`).type('form').send({
      api_key: writer,
      service_code: 'pothole',
      lat: '35.1911',
      long: '25.7164',
      description,
      email,
      first_name: 'Μαρία',
      last_name: 'Παπαδάκη',
      phone: '+30 6970000001',
      media_url: 'https://photos.example.org/m.jpg',
    });

  it('exports the reports sent with the account’s email, and erases their details and links', async () => {
    const maria = await createActiveUser(ctx.db, 'maria', { email: 'maria@example.gr' });
    const other = await createActiveUser(ctx.db, 'nikos', { email: 'nikos@example.gr' });
    await drainMail(ctx.deps);
    const filed = [];
    for (const [email, text] of [
      ['Maria@Example.gr', 'Λακκούβα στη γωνία'],
      ['maria@example.gr', 'Λακκούβα στην πλατεία'],
      ['eleni@example.org', 'Λακκούβα αλλού'],
    ] as const) {
      const res = await file(email, text);
      expect(res.status).toBe(200);
      filed.push((res.body as Item[])[0]!.service_request_id as string);
    }
    const mails = await drainMail(ctx.deps);
    const linkTo = (email: string) =>
      linkIn(
        mails.find((mail) => mail.to === email)!,
        '/requests/status',
      );
    const marias = linkTo('maria@example.gr');
    const elenis = linkTo('eleni@example.org');

    const person = { userId: maria.id, afm: null };
    const exported = (await open311Module.exportFor!(person, ctx.db)) as {
      reportsThroughApps: Item[];
    };
    expect(exported.reportsThroughApps.map((r) => r.reference)).toEqual(filed.slice(0, 2));
    expect(exported.reportsThroughApps[0]).toMatchObject({
      app: 'Δημότης App',
      email: 'Maria@Example.gr',
      firstName: 'Μαρία',
      lastName: 'Παπαδάκη',
      phone: '+30 6970000001',
      mediaUrl: 'https://photos.example.org/m.jpg',
      description: 'Λακκούβα στη γωνία',
      statusLinksSent: 1,
    });
    // No one else's reports: not Eleni's, and none for an account that sent none.
    expect(JSON.stringify(exported)).not.toContain('eleni@example.org');
    expect(await open311Module.exportFor!({ userId: other.id, afm: null }, ctx.db)).toEqual({
      reportsThroughApps: [],
    });

    expect((await request(server).get(marias)).status).toBe(200);
    await eraseInOneTransaction(ctx.deps, person, [open311Module]);
    const reporters = (await ctx
      .db('open311_reporters as o')
      .join('requests as r', 'r.id', 'o.request_id')
      .orderBy('r.id')
      .select('o.email', 'o.first_name', 'o.last_name', 'o.phone', 'o.media_url')) as Item[];
    const [first, second, third] = reporters.slice(-3);
    for (const erased of [first, second])
      expect(erased).toEqual({
        email: null,
        first_name: null,
        last_name: null,
        phone: null,
        media_url: null,
      });
    expect(third).toMatchObject({ email: 'eleni@example.org', first_name: 'Μαρία' });
    expect((await request(server).get(marias)).status).toBe(404);
    expect((await request(server).get(elenis)).status).toBe(200);
    expect(await open311Module.exportFor!(person, ctx.db)).toEqual({ reportsThroughApps: [] });
    // The requests stay, as the department's case records.
    const kept = await ctx.db('requests').where({ channel: 'api' }).count({ n: '*' });
    expect(kept).toEqual([{ n: 3 }]);
  });
});

import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import * as cheerio from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tellApiReporter } from '../../src/features/open311/reporter-mail.ts';
import { drainMail, formTokens, linkIn, type Agent } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Thursday 26 November 2026, 10:00 in Athens.
const NOW = new Date('2026-11-26T08:00:00Z');
const V2 = '/open311/v2';
const REPORTER = {
  email: 'eleni.reporter@example.org',
  first_name: 'Ελένη',
  last_name: 'Καλλιγιάννη',
  phone: '+30 6971234567',
};

let ctx: TestContext;
let admin: Agent;
let handler: Agent;
let writer: string;
let readAll: string;
let definitions: Record<string, ValidateFunction>;

type Body = Record<string, unknown>;
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) =>
    ['service', 'request', 'endpoint', 'format', 'attribute', 'value', 'error'].includes(name),
});

/** The XML answer as the JSON one would be: lists unwrapped, every value as text. */
function xmlAsJson(text: string, root: string, item?: string): unknown {
  const parsed = xml.parse(text) as Record<string, unknown>;
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const content = parsed[root] as Record<string, unknown> | '';
  if (!item) return content;
  return content === '' ? [] : content[item];
}

/** Nested lists' items, as the spec's XML names them. */
const ITEMS: Record<string, string> = {
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

/** The JSON answer as the XML says it: every value as text, nested lists wrapped in their items. */
function asText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asText);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key,
        Array.isArray(entry) && ITEMS[key]
          ? entry.length
            ? { [ITEMS[key]]: entry.map(asText) }
            : ''
          : asText(entry),
      ]),
    );
  return String(value);
}

/** The same GET in both formats: the JSON, after checking the XML says the same. */
async function both(path: string, root: string, item?: string, key?: string): Promise<unknown> {
  const withKey = (p: string) => (key ? `${p}${p.includes('?') ? '&' : '?'}api_key=${key}` : p);
  const json = await request(ctx.app).get(withKey(path.replace('{f}', 'json')));
  const asXml = await request(ctx.app).get(withKey(path.replace('{f}', 'xml')));
  expect(json.status, path).toBe(200);
  expect(asXml.status, path).toBe(200);
  expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(asXml.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(xmlAsJson(asXml.text, root, item)).toEqual(asText(json.body));
  return json.body;
}

function expectValid(definition: string, value: unknown): void {
  const validate = definitions[definition]!;
  expect(validate(value), `${definition}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

/** An Open311 error in both formats: the status, and the code in the body. */
async function expectError(
  send: (format: 'json' | 'xml') => request.Test,
  status: number,
): Promise<string> {
  const json = await send('json');
  expect(json.status).toBe(status);
  const errors = json.body as { code: number; description: string }[];
  expect(errors).toHaveLength(1);
  expect(errors[0]!.code).toBe(status);
  expect(errors[0]!.description.length).toBeGreaterThan(10);
  const asXml = await send('xml');
  expect(asXml.status).toBe(status);
  expect(xmlAsJson(asXml.text, 'errors', 'error')).toEqual(asText(errors));
  return errors[0]!.description;
}

async function newKey(appName: string, scopes: string[]): Promise<string> {
  const tokens = await formTokens(admin, '/staff/api-keys/new', '/staff/api-keys/new');
  const res = await admin
    .post('/staff/api-keys/new')
    .type('form')
    .send(
      new URLSearchParams([
        ['_csrf', tokens._csrf],
        ['_submission', tokens._submission],
        ['appName', appName],
        ...scopes.map((scope) => ['scopes', scope]),
      ]).toString(),
    );
  expect(res.status).toBe(200);
  return cheerio.load(res.text)('#api-key').text();
}

const post = (format: string, fields: Record<string, string | string[]>) =>
  request(ctx.app).post(`${V2}/requests.${format}`).type('form').send(fields);

const pothole = (extra: Record<string, string> = {}) => ({
  api_key: writer,
  jurisdiction_id: 'agios-nikolaos',
  service_code: 'pothole',
  lat: '35.1911',
  long: '25.7164',
  address_string: 'Οδός Κουντούρου 12',
  description: 'Λακκούβα μπροστά στο περίπτερο\nΕίναι βαθιά.',
  media_url: 'https://photos.example.org/pothole.jpg',
  ...REPORTER,
  ...extra,
});

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent;
  const technical = await signedInStaff(ctx.app, ctx.db, ['handler']);
  handler = technical.agent;
  const department = (await ctx
    .db('request_categories')
    .where({ slug: 'pothole' })
    .first('department_id')) as {
    department_id: number;
  };
  await ctx.db('department_handlers').insert({
    department_id: department.department_id,
    user_id: technical.id,
  });
  writer = await newKey('Δημότης App', ['open311:write']);
  readAll = await newKey('Δημοτικό σύστημα', ['open311:read-all']);
  const api = (await SwaggerParser.dereference(
    'src/features/open311/spec/georeport_v2-1.yaml',
  )) as unknown as { definitions: Record<string, object> };
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is CommonJS: its default export is the plugin itself.
  (ajvFormats as unknown as typeof ajvFormats.default)(ajv);
  // The Swagger file's own formats (uid, double, uint) say nothing a validator can check.
  for (const format of ['uid', 'double', 'uint']) ajv.addFormat(format, true);
  definitions = Object.fromEntries(
    Object.entries(api.definitions).map(([name, schema]) => [name, ajv.compile(schema)]),
  );
  await drainMail(ctx.deps);
});
afterAll(() => ctx.close());

describe('discovery and services', () => {
  it('says where the endpoint is and in which formats', async () => {
    const body = (await both(`${V2}/discovery.{f}`, 'discovery')) as Body;
    const [endpoint] = body.endpoints as Body[];
    expect(endpoint).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://localhost:3000/open311/v2',
      formats: ['text/xml', 'application/json'],
    });
    expect(body.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  });

  it('lists one service per active category, in the asker’s language, Greek first', async () => {
    await ctx.db('request_categories').where({ slug: 'bulky-items' }).update({ active: false });
    const active = (await ctx
      .db('request_categories')
      .where({ active: true })
      .pluck('slug')) as string[];
    const greek = (await both(
      `${V2}/services.{f}?jurisdiction_id=x`,
      'services',
      'service',
    )) as Body[];
    expect(greek.map((s) => s.service_code).sort()).toEqual([...active].sort());
    for (const service of greek) expectValid('Service', service);
    const light = greek.find((s) => s.service_code === 'light-out')!;
    expect(light).toMatchObject({ metadata: false, type: 'realtime', group: 'Ηλεκτροφωτισμός' });
    expect(light.service_name).toMatch(/[α-ω]/);
    const english = (await both(`${V2}/services.{f}?locale=en`, 'services', 'service')) as Body[];
    expect(english.find((s) => s.service_code === 'light-out')).toMatchObject({
      group: 'Street lighting',
    });
    const accepted = await request(ctx.app)
      .get(`${V2}/services.json`)
      .set('Accept-Language', 'fr;q=0.9, en-GB;q=0.8, el;q=0.1');
    expect((accepted.body as Body[])[0]!.service_name).toBe(english[0]!.service_name);
    await ctx.db('request_categories').where({ slug: 'bulky-items' }).update({ active: true });
  });

  it('defines a service (no extra fields yet) and 404s an unknown one', async () => {
    const definition = await both(`${V2}/services/pothole.{f}`, 'service_definition');
    expect(definition).toEqual({ service_code: 'pothole', attributes: [] });
    expectValid('ServiceDefinition', { service_code: 'pothole', attributes: [] });
    await expectError((f) => request(ctx.app).get(`${V2}/services/no-such.${f}`), 404);
  });
});

describe('filing a request (POST requests)', () => {
  let reference: string;
  let token: string;

  it('refuses a missing, wrong, revoked or under-scoped key with 403', async () => {
    const { api_key: _omitted, ...noKey } = pothole();
    void _omitted;
    await expectError((f) => post(f, noKey), 403);
    await expectError((f) => post(f, pothole({ api_key: `abcdefgh.${'x'.repeat(43)}` })), 403);
    const words = await expectError((f) => post(f, pothole({ api_key: readAll })), 403);
    expect(words).toContain('open311:write');
    const revoked = await newKey('Παλιά εφαρμογή', ['open311:write']);
    const id = (
      (await ctx.db('api_keys').where({ app_name: 'Παλιά εφαρμογή' }).first('id')) as { id: number }
    ).id;
    const tokens = await formTokens(
      admin,
      `/staff/api-keys/${id}/revoke`,
      `/staff/api-keys/${id}/revoke`,
    );
    await admin
      .post(`/staff/api-keys/${id}/revoke`)
      .type('form')
      .send({ ...tokens, confirm: 'yes' });
    await expectError((f) => post(f, pothole({ api_key: revoked })), 403);
    expect(await ctx.db('requests').where({ channel: 'api' }).count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('files into the handlers’ queue with channel api, no account, and the app recorded', async () => {
    const res = await post('json', pothole());
    expect(res.status).toBe(200);
    const [answer] = res.body as Body[];
    expectValid('RequestResponse', answer);
    reference = answer!.service_request_id as string;
    token = answer!.token as string;
    expect(reference).toMatch(/^2026-\d{6}$/);
    const row = (await ctx.db('requests').where({ channel: 'api' }).first()) as Body;
    expect(row).toMatchObject({ user_id: null, public: false, status: 'submitted', lat: 35.1911 });
    expect(row.title).toBe('Λακκούβα μπροστά στο περίπτερο');
    const reporter = (await ctx
      .db('open311_reporters')
      .where({ request_id: row.id })
      .first()) as Body;
    expect(reporter).toMatchObject({ email: REPORTER.email, phone: REPORTER.phone });
    expect(JSON.stringify(reporter)).not.toContain(token);
    const audit = (await ctx
      .db('audit_log')
      .where({ action: 'open311.request_filed' })
      .first()) as Body;
    expect(audit).toMatchObject({ entity_type: 'request', entity_id: row.id });
    expect(audit.details).toMatchObject({ appName: 'Δημότης App', reference });

    const queue = await handler.get('/staff/requests?channel=api');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(reference);
    const page = await handler.get(`/staff/requests/${reference}`);
    expect(page.status).toBe(200);
    expect(cheerio.load(page.text)('body').text()).toContain('Λακκούβα μπροστά στο περίπτερο');

    const mails = await drainMail(ctx.deps);
    const toReporter = mails.find((m) => m.to === REPORTER.email)!;
    expect(toReporter.subject).toContain(reference);
    expect(mails.some((m) => m.to !== REPORTER.email && m.text.includes(reference))).toBe(true);
    const link = linkIn(toReporter, '/requests/status');
    const status = await request(ctx.app).get(link);
    expect(status.status).toBe(200);
    expect(status.headers['cache-control']).toBe('no-store');
    const text = cheerio.load(status.text)('main').text();
    expect(text).toContain(`ΑΙΤ-${reference}`);
    expect(text).toContain('Υποβλήθηκε');
    for (const value of Object.values(REPORTER)) expect(status.text).not.toContain(value);
    expect((await request(ctx.app).get(`${link}?lang=en`)).text).toContain('Submitted');
    expect((await request(ctx.app).get(`/requests/status/${'A'.repeat(43)}`)).status).toBe(404);
    // The account with the reporter's email, if any, is never linked.
    expect(await ctx.db('request_followers').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('resolves its token to the request', async () => {
    const body = await both(`${V2}/tokens/${token}.{f}`, 'service_requests', 'request');
    expect(body).toEqual([{ service_request_id: reference, token }]);
    expectValid('TokenResponse', (body as Body[])[0]);
    await expectError((f) => request(ctx.app).get(`${V2}/tokens/${'B'.repeat(43)}.${f}`), 404);
  });

  it('answers bad input with 400 (404 for an unknown service), never a 5xx, filing nothing', async () => {
    const before = await ctx.db('requests').count({ n: '*' });
    const cases: [Record<string, string | string[]>, number][] = [
      [pothole({ service_code: 'no-such' }), 404],
      [pothole({ service_code: '' }), 400],
      [{ ...pothole(), service_code: ['pothole', 'pothole'] }, 400],
      [pothole({ description: '' }), 400],
      [pothole({ description: 'α'.repeat(4001) }), 400],
      [pothole({ description: 'a\u0001b' }), 400],
      [pothole({ lat: '' }), 400],
      [pothole({ lat: '91', long: '25.7' }), 400],
      [pothole({ lat: '37.97', long: '23.72' }), 400],
      [pothole({ lat: 'abc' }), 400],
      [pothole({ lat: '1e308' }), 400],
      [{ ...pothole(), lat: '', long: '', address_string: '' }, 400],
      [pothole({ email: 'not-an-email' }), 400],
      [pothole({ media_url: 'javascript:alert(1)' }), 400],
      [pothole({ 'attribute[WHISHETN]': '123' }), 400],
      [pothole({ address_string: 'x'.repeat(201) }), 400],
      [pothole({ description: 'α\u0000β' }), 400],
    ];
    for (const [fields, status] of cases) {
      const res = await post('json', fields);
      expect(res.status, JSON.stringify(fields).slice(0, 120)).toBe(status);
      expect((res.body as Body[])[0]).toMatchObject({ code: status });
    }
    const json = await request(ctx.app)
      .post(`${V2}/requests.xml`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...pothole(), lat: { $gt: 1 }, long: [1] }));
    expect(json.status).toBe(400);
    expect(json.text).toContain('<errors><error><code>400</code>');
    const huge = await post('xml', pothole({ description: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(400);
    const broken = await request(ctx.app)
      .post(`${V2}/requests.json`)
      .set('Content-Type', 'application/json')
      .send('{"api_key":');
    expect(broken.status).toBe(400);
    expect(await ctx.db('requests').count({ n: '*' })).toEqual(before);
  });

  it('keeps to the area: no session cookie, never cached, 404 in the spec’s format', async () => {
    const res = await request(ctx.app).get(`${V2}/services.json`);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const nowhere = await request(ctx.app).get(`${V2}/nothing-here`);
    expect(nowhere.status).toBe(404);
    expect(nowhere.text).toContain('<errors><error><code>404</code>');
    expect((await request(ctx.app).get(`${V2}/services.html`)).status).toBe(404);
    expect((await request(ctx.app).delete(`${V2}/requests.json`)).status).toBe(404);
  });
});

describe('reading requests (GET requests)', () => {
  let filed: string;
  let filedId: number;
  let old: string;

  beforeAll(async () => {
    const res = await post('json', pothole({ description: 'Σπασμένο πεζοδρόμιο' }));
    filed = (res.body as Body[])[0]!.service_request_id as string;
    filedId = (
      (await ctx.db('requests').where({ description: 'Σπασμένο πεζοδρόμιο' }).first('id')) as {
        id: number;
      }
    ).id;
    // A closed public request from last summer, outside the default 90 days.
    const category = (await ctx
      .db('request_categories')
      .where({ slug: 'light-out' })
      .first('id', 'department_id')) as {
      id: number;
      department_id: number;
    };
    await ctx.db('requests').insert({
      year: 2026,
      number: 900,
      category_id: category.id,
      department_id: category.department_id,
      kind: 'request',
      channel: 'web',
      title: 'Σβηστή λάμπα',
      description: 'Σβηστή λάμπα στην πλατεία',
      due_date: '2026-07-20',
      status: 'closed',
      public: true,
      created_at: new Date('2026-07-01T09:00:00Z'),
      closed_at: new Date('2026-07-10T09:00:00Z'),
    });
    old = '2026-000900';
    await drainMail(ctx.deps);
  });

  it('shows a request only once a handler marks it public; a read-all key sees it before', async () => {
    await expectError((f) => request(ctx.app).get(`${V2}/requests/${filed}.${f}`), 404);
    const list = (await request(ctx.app).get(`${V2}/requests.json`)).body as Body[];
    expect(list.map((r) => r.service_request_id)).not.toContain(filed);
    const seen = (await both(
      `${V2}/requests/${filed}.{f}`,
      'service_requests',
      'request',
      readAll,
    )) as Body[];
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ media_url: 'https://photos.example.org/pothole.jpg' });
    // A wrong key is refused, not read as the public's.
    await expectError((f) => request(ctx.app).get(`${V2}/requests.${f}?api_key=nope`), 403);
    // A valid key without read-all reads as the public.
    expect(
      (await request(ctx.app).get(`${V2}/requests/${filed}.json?api_key=${writer}`)).status,
    ).toBe(404);

    await ctx.db('requests').where({ id: filedId }).update({ public: true });
    const [one] = (await both(
      `${V2}/requests/${filed}.{f}`,
      'service_requests',
      'request',
    )) as Body[];
    expectValid('Request', one);
    expect(one).toMatchObject({
      service_request_id: filed,
      status: 'open',
      service_code: 'pothole',
      description: 'Σπασμένο πεζοδρόμιο',
      address: 'Οδός Κουντούρου 12',
      lat: 35.1911,
      long: 25.7164,
    });
    expect(one!.requested_datetime).toMatch(/^2026-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+02:00$/);
    expect(one!.media_url).toBeUndefined();
    expect(one!.expected_datetime).toMatch(/^2026-12-\d{2}T23:59:59\+02:00$/);
  });

  it('never shows the reporter’s email, name or phone', async () => {
    const paths = [
      `${V2}/requests.json`,
      `${V2}/requests.xml`,
      `${V2}/requests/${filed}.json`,
      `${V2}/requests/${filed}.xml?api_key=${readAll}`,
      `${V2}/requests.json?api_key=${readAll}`,
      `${V2}/services.json`,
      `${V2}/discovery.xml`,
    ];
    for (const path of paths) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(200);
      for (const value of Object.values(REPORTER)) expect(res.text, path).not.toContain(value);
    }
  });

  it('filters by ids, service, dates and status, within 90 days by default', async () => {
    const all = (await both(`${V2}/requests.{f}`, 'service_requests', 'request')) as Body[];
    for (const item of all) expectValid('Request', item);
    expect(all.map((r) => r.service_request_id)).toEqual([filed]);
    const byIds = (await both(
      `${V2}/requests.{f}?service_request_id=${old},${filed}&service_code=none`,
      'service_requests',
      'request',
    )) as Body[];
    expect(byIds.map((r) => r.service_request_id)).toEqual([filed, old]);
    const closed = byIds.find((r) => r.service_request_id === old)!;
    expectValid('Request', closed);
    expect(closed).toMatchObject({
      status: 'closed',
      updated_datetime: '2026-07-10T12:00:00+03:00',
    });
    const summer = `start_date=2026-06-15T00:00:00Z&end_date=2026-08-31T00:00:00%2B03:00`;
    const ids = async (query: string) =>
      ((await request(ctx.app).get(`${V2}/requests.json?${query}`)).body as Body[]).map(
        (r) => r.service_request_id,
      );
    expect(await ids(summer)).toEqual([old]);
    expect(await ids(`${summer}&status=open`)).toEqual([]);
    expect(await ids(`${summer}&status=open,closed&service_code=light-out`)).toEqual([old]);
    expect(await ids(`status=open&status=closed`)).toEqual([filed]);
    expect(await ids(`service_code=light-out`)).toEqual([]);
    for (const query of [
      'start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
      'start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z',
      'start_date=yesterday',
      'start_date=2026-02-30T00:00:00Z',
      'status=pending',
      'service_request_id=2026-1',
      'service_code=a&service_code=b',
      `service_request_id=${`${old},`.repeat(1001)}`,
    ])
      await expectError((f) => request(ctx.app).get(`${V2}/requests.${f}?${query}`), 400);
  });

  it('answers at most 1,000 requests', async () => {
    const category = (await ctx
      .db('request_categories')
      .where({ slug: 'waste-collection' })
      .first('id', 'department_id')) as {
      id: number;
      department_id: number;
    };
    await ctx.db.raw(
      `INSERT INTO requests (year, number, category_id, department_id, kind, description, due_date, public, created_at)
       SELECT 2025, n, ?, ?, 'request', 'Γεμάτοι κάδοι', '2026-12-01', true, ?::timestamptz - n * interval '1 minute'
       FROM generate_series(1, 1005) AS n`,
      [category.id, category.department_id, NOW.toISOString()],
    );
    const res = await request(ctx.app).get(`${V2}/requests.json?service_code=waste-collection`);
    expect((res.body as Body[]).length).toBe(1000);
  });
});

describe('the reporter’s status mails', () => {
  it('tells the reporter of a change with a fresh link; the old link still works', async () => {
    const res = await post('json', pothole({ description: 'Πεσμένο κλαδί' }));
    const reference = (res.body as Body[])[0]!.service_request_id as string;
    const first = linkIn(
      (await drainMail(ctx.deps)).find((m) => m.to === REPORTER.email)!,
      '/requests/status',
    );
    const row = (await ctx.db('requests').where({ description: 'Πεσμένο κλαδί' }).first()) as {
      id: number;
      year: number;
      number: number;
      title: string;
    };
    await ctx.db('requests').where({ id: row.id }).update({ status: 'in_progress' });
    await ctx.db('request_events').insert({
      request_id: row.id,
      kind: 'status',
      status: 'in_progress',
      public_note: 'Το συνεργείο έρχεται αύριο',
      internal_note: 'Εσωτερικό σημείωμα',
    });
    const told = await ctx.db.transaction((trx) =>
      tellApiReporter(ctx.deps, trx, row, {
        change: 'status',
        status: 'in_progress',
        note: 'Το συνεργείο έρχεται αύριο',
      }),
    );
    expect(told).toBe(1);
    const [mail] = (await drainMail(ctx.deps)).filter((m) => m.to === REPORTER.email);
    expect(mail!.text).toContain('Το συνεργείο έρχεται αύριο');
    const second = linkIn(mail!, '/requests/status');
    expect(second).not.toBe(first);
    for (const link of [first, second]) {
      const page = await request(ctx.app).get(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Το συνεργείο έρχεται αύριο');
      expect(page.text).not.toContain('Εσωτερικό σημείωμα');
      expect(page.text).toContain(`ΑΙΤ-${reference}`);
    }
  });
});

describe('the status page in a browser (axe, Greek and English)', () => {
  let server: LiveServer;
  let browser: Browser;
  let link = '';

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      const category = (await live
        .db('request_categories')
        .where({ slug: 'pothole' })
        .first('id', 'department_id')) as {
        id: number;
        department_id: number;
      };
      const [row] = (await live
        .db('requests')
        .insert({
          year: 2026,
          number: 77,
          category_id: category.id,
          department_id: category.department_id,
          kind: 'request',
          channel: 'api',
          title: 'Λακκούβα',
          description: 'Λακκούβα',
          address: 'Οδός Κουντούρου 12',
          due_date: '2026-12-10',
        })
        .returning('id')) as { id: number }[];
      await live
        .db('request_events')
        .insert({ request_id: row!.id, kind: 'submitted', status: 'submitted', by_citizen: true });
      const [key] = (await live
        .db('api_keys')
        .insert({
          app_name: 'App',
          key_prefix: 'abcdefgh',
          key_hash: 'x',
          scopes: ['open311:write'],
        })
        .returning('id')) as { id: number }[];
      await live.db('open311_reporters').insert({
        request_id: row!.id,
        api_key_id: key!.id,
        email: REPORTER.email,
        token_hash: Buffer.alloc(32, 1),
      });
      link = await live.db.transaction(async (trx) => {
        const { issueStatusLink } = await import('../../src/features/open311/reporter-mail.ts');
        return issueStatusLink(trx, row!.id);
      });
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('passes axe', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    for (const lang of ['el', 'en']) {
      const res = await tab.goto(`${server.baseUrl}${link}?lang=${lang}`);
      expect(res?.status()).toBe(200);
      await expectAccessible(tab);
    }
    await context.close();
  });
});

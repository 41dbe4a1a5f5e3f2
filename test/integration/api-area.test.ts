import * as cheerio from 'cheerio';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/migrate.ts';
import { MODULES } from '../../src/features/index.ts';
import { sampleModule } from '../fixtures/sample-module/sample.module.ts';
import { formTokens, type Agent } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let admin: Agent;

beforeAll(async () => {
  const modules = [...MODULES, sampleModule];
  ctx = await createTestContext({}, { deps: () => ({ modules }) });
  await migrateLatest(ctx.db, modules);
  admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent;
});
afterAll(() => ctx.close());

interface ApiBody {
  error: { code: string; message: string };
}
const errorOf = (res: { body: unknown }) => (res.body as ApiBody).error;

/** A key made on /staff/api-keys as an admin would, with these scopes. */
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
  expect(res.headers['cache-control']).toBe('no-store');
  return cheerio.load(res.text)('#api-key').text();
}

describe('typed errors', () => {
  const kinds = [
    ['validation', 400, 'invalid_input', 'Κάποια τιμή της φόρμας'],
    ['conflict', 409, 'conflict', 'συγκρούεται'],
    ['rate', 429, 'rate_limited', 'Πάρα πολλές προσπάθειες'],
    ['link', 410, 'gone', 'Ο σύνδεσμος δεν είναι σωστός'],
    ['forbidden', 403, 'forbidden', ''],
    ['missing', 404, 'not_found', ''],
  ] as const;

  it('become the same status as a page and as the API’s JSON', async () => {
    const key = await newKey('Σφάλματα', ['sample:read']);
    for (const [kind, status, code, text] of kinds) {
      const page = await request(ctx.app).get(`/sample/fail/${kind}`);
      expect(page.status, kind).toBe(status);
      expect(page.headers['content-type'], kind).toMatch(/^text\/html/);
      if (text) expect(page.text, kind).toContain(text);
      const api = await request(ctx.app)
        .get(`/api/v1/sample/fail/${kind}`)
        .set('Authorization', `Bearer ${key}`);
      expect(api.status, kind).toBe(status);
      expect(errorOf(api).code, kind).toBe(code);
    }
    expect((await request(ctx.app).get('/sample/fail/rate')).headers['retry-after']).toBe('120');
    const fields = await request(ctx.app)
      .get('/api/v1/sample/fail/validation')
      .set('Authorization', `Bearer ${key}`);
    expect((fields.body as { error: { fields: unknown } }).error.fields).toEqual([
      { field: 'afm', message: 'Ο ΑΦΜ πρέπει να έχει 9 ψηφία και σωστό ψηφίο ελέγχου' },
    ]);
  });
});

describe('the webhooks area', () => {
  it('hands a module the raw body to check a signature, with no session and no CSRF', async () => {
    const body = 'text=%CE%BA%CE%BB%CE%AE%CF%83%CE%B7&From=%2B302841000000';
    const sign = (raw: string) => createHmac('sha256', 'sample-secret').update(raw).digest('hex');
    const signed = await request(ctx.app)
      .post('/sample-hook/event')
      .type('form')
      .set('X-Sample-Signature', sign(body))
      .send(body);
    expect(signed.status).toBe(200);
    expect(signed.text).toBe('<Response/>');
    expect(signed.headers['set-cookie']).toBeUndefined();
    const forged = await request(ctx.app)
      .post('/sample-hook/event')
      .type('form')
      .set('X-Sample-Signature', sign(body))
      .send(body.replace('From', 'To'));
    expect(forged.status).toBe(403);
    expect((await ctx.db('sample_notes').where({ text: 'κλήση' }).pluck('text')).length).toBe(1);
    await ctx.db('sample_notes').delete();
    const nowhere = await request(ctx.app).post('/sample-hook/none').type('form').send('a=1');
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers['content-type']).toMatch(/^text\/plain/);
  });
});

describe('the API area (/api/v1)', () => {
  it('lets a key with the right scope in, and no one else, answering in JSON', async () => {
    const reader = await newKey('Εφαρμογή ανάγνωσης', ['sample:read']);
    expect(reader).toMatch(/^[a-z0-9]{8}\.[A-Za-z0-9_-]{43}$/);
    // Stored only as a hash.
    const stored = (await ctx.db('api_keys').first()) as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(reader.split('.')[1]);

    const ok = await request(ctx.app)
      .get('/api/v1/sample/notes')
      .set('Authorization', `Bearer ${reader}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ notes: [] });
    expect(ok.headers['set-cookie']).toBeUndefined();
    expect((await request(ctx.app).get(`/api/v1/sample/notes?api_key=${reader}`)).status).toBe(200);
    expect(await ctx.db('api_keys').whereNotNull('last_used_at').pluck('app_name')).toEqual([
      'Εφαρμογή ανάγνωσης',
    ]);

    const none = await request(ctx.app).get('/api/v1/sample/notes');
    expect(none.status).toBe(401);
    expect(errorOf(none).code).toBe('invalid_api_key');
    const forged = `${reader.slice(0, 9)}${'A'.repeat(43)}`;
    expect(
      (await request(ctx.app).get('/api/v1/sample/notes').set('X-Api-Key', forged)).status,
    ).toBe(401);
    // Reading is not writing; and no CSRF token or session is asked of a POST.
    const write = await request(ctx.app)
      .post('/api/v1/sample/notes')
      .set('Authorization', `Bearer ${reader}`)
      .send({ text: 'όχι' });
    expect(write.status).toBe(403);
    expect(errorOf(write).code).toBe('insufficient_scope');

    const writer = await newKey('Εφαρμογή εγγραφής', ['sample:write', 'sample:read']);
    const json = await request(ctx.app)
      .post('/api/v1/sample/notes')
      .set('Authorization', `Bearer ${writer}`)
      .send({ text: 'με JSON' });
    expect(json.status).toBe(201);
    const form = await request(ctx.app)
      .post('/api/v1/sample/notes')
      .type('form')
      .send({ api_key: writer, text: 'με φόρμα' });
    expect(form.status).toBe(201);
    expect((await ctx.db('sample_notes').orderBy('id').pluck('text')) as string[]).toEqual([
      'με JSON',
      'με φόρμα',
    ]);
  });

  it('answers bad bodies, NUL and unknown endpoints in JSON, never a page', async () => {
    const writer = await newKey('Δοκιμή λαθών', ['sample:write']);
    const cases = [
      request(ctx.app)
        .post('/api/v1/sample/notes')
        .set('Authorization', `Bearer ${writer}`)
        .set('Content-Type', 'application/json')
        .send('{"text":'),
      request(ctx.app)
        .post('/api/v1/sample/notes')
        .set('Authorization', `Bearer ${writer}`)
        .send({ text: 'α\u0000β' }),
      request(ctx.app)
        .post('/api/v1/sample/notes')
        .set('Authorization', `Bearer ${writer}`)
        .send({ text: 42 }),
      request(ctx.app).get('/api/v1/no/such/thing'),
      request(ctx.app)
        .post('/api/v1/sample/notes')
        .set('Authorization', `Bearer ${writer}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ text: 'x'.repeat(200_000) })),
    ];
    const statuses = [];
    for (const pending of cases) {
      const res = await pending;
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(errorOf(res).code).toEqual(expect.any(String));
      statuses.push(res.status);
    }
    expect(statuses).toEqual([400, 400, 400, 404, 413]);
  });

  it('stops a revoked key at once, and throttles guessing', async () => {
    const key = await newKey('Προς ανάκληση', ['sample:read']);
    const id = (
      (await ctx.db('api_keys').where({ app_name: 'Προς ανάκληση' }).first('id')) as { id: number }
    ).id;
    const confirm = await admin.get(`/staff/api-keys/${id}/revoke`);
    expect(confirm.status).toBe(200);
    const tokens = await formTokens(
      admin,
      `/staff/api-keys/${id}/revoke`,
      `/staff/api-keys/${id}/revoke`,
    );
    const revoked = await admin
      .post(`/staff/api-keys/${id}/revoke`)
      .type('form')
      .send({ ...tokens, confirm: 'yes' });
    expect(revoked.status).toBe(303);
    expect(
      (await request(ctx.app).get('/api/v1/sample/notes').set('Authorization', `Bearer ${key}`))
        .status,
    ).toBe(401);
    const audit = (await ctx
      .db('audit_log')
      .whereIn('action', ['api_key.created', 'api_key.revoked'])
      .pluck('action')) as string[];
    expect(audit).toContain('api_key.revoked');
    expect((await admin.get('/staff/api-keys')).text).toContain('Προς ανάκληση');

    const guesses = [];
    for (let i = 0; i < 25; i += 1)
      guesses.push(
        (
          await request(ctx.app)
            .get('/api/v1/sample/notes')
            .set('X-Forwarded-For', '10.9.9.9')
            .set('X-Api-Key', `abcdefgh.${'x'.repeat(43)}`)
        ).status,
      );
    expect(guesses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(guesses.slice(20).every((s) => s === 429)).toBe(true);
  });

  it('keeps the key screens to admins and asks for a name and a scope', async () => {
    const editor = (await signedInStaff(ctx.app, ctx.db, ['editor'])).agent;
    expect((await editor.get('/staff/api-keys')).status).toBe(403);
    const tokens = await formTokens(admin, '/staff/api-keys/new', '/staff/api-keys/new');
    const res = await admin
      .post('/staff/api-keys/new')
      .type('form')
      .send({ ...tokens, appName: ' ' });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#appName-error').text()).toContain('όνομα της εφαρμογής');
    expect($('#scopes-error').text()).toContain('τουλάχιστον ένα');
  });
});

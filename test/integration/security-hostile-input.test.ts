import * as cheerio from 'cheerio';
import { Router } from 'express';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  newAgent,
  signIn,
  validRegistration,
} from '../helpers/accounts.ts';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { createDecision } from '../helpers/factories.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * Input no form expects (NUL bytes, ids out of range, overlong names, broken multipart) is
 * answered with a message, never a 500: a 400 page at the edge, or a message at the field.
 */
let ctx: TestContext;
let staff: Agent;
let citizenAgent: Agent;
let decisionId: number;
let benefitId: number;
let citizenId: number;
let verifiedId: number;
beforeAll(async () => {
  ctx = await createTestContext({}, { extraFeatures: [databaseRefusals] });
  ({ agent: staff } = await signedInStaff(ctx.app, ctx.db, ['admin', 'editor', 'clerk']));
  decisionId = await createDecision(ctx.db, { status: 'draft' });
  const citizen = await createActiveUser(ctx.db, 'hostile.1');
  citizenId = citizen.id;
  citizenAgent = newAgent(ctx.app);
  await signIn(citizenAgent, citizen.username, citizen.password);
  verifiedId = (await createActiveUser(ctx.db, 'hostile.2')).id;
  await postForm(staff, `/staff/citizens/${verifiedId}`, `/staff/citizens/${verifiedId}/verify`, {
    documentType: 'passport',
    documentNumber: 'P7654321',
    afm: afmFrom('12312312'),
    present: 'yes',
  });
  benefitId = ((await ctx.db('benefits').first('id')) as { id: number } | undefined)?.id ?? 0;
});
afterAll(() => ctx.close());

/**
 * Routes that send PostgreSQL what it refuses, one per kind of refusal, so the one error handler
 * is tested on real database errors (forms check first; this is the net below them).
 */
const REFUSALS: Record<string, (db: TestContext['db']) => Promise<unknown>> = {
  // 23505 unique
  unique: async (db) => {
    const row = (await db('users').first('username', 'email')) as { username: string };
    await db('users').insert({ ...row, full_name: 'x', password_hash: 'x' });
  },
  // 23514 check
  check: (db) =>
    db.raw(
      "INSERT INTO decision_categories (slug, name_el, name_en) VALUES ('Not A Slug', 'x', 'x')",
    ),
  // 23503 foreign key
  foreignKey: (db) =>
    db('identity_checks').insert({
      user_id: 2_000_000_000,
      document_type: 'passport',
      document_number_masked: 'x',
      afm: '000000000',
    }),
  // 22001 string too long
  tooLong: (db) =>
    db.transaction(async (trx) => {
      await trx.raw('CREATE TEMP TABLE short_text (v varchar(2)) ON COMMIT DROP');
      await trx.raw("INSERT INTO short_text VALUES ('abc')");
    }),
  // 22P02 invalid text representation
  notANumber: (db) => db.raw("SELECT 'twelve'::int"),
  // 22003 numeric out of range
  outOfRange: (db) => db.raw('SELECT 99999999999999999999::int'),
  // 22021 a NUL byte
  nul: (db) => db.raw('SELECT ?::text', ['a\u0000b']),
};
const databaseRefusals: Feature = {
  router: Router().get('/test-refusal/:kind', async (req, res) => {
    await REFUSALS[String(req.params.kind)]!(ctx.db);
    res.send('accepted');
  }),
};

const LONG_NAME = 'Α'.repeat(10_000);
const HUGE = '99999999999999999999';

async function postForm(agent: Agent, page: string, action: string, fields: object) {
  const _csrf = await csrfFrom(agent, page);
  return agent
    .post(action)
    .type('form')
    .send({ ...fields, _csrf });
}

/** A multipart upload to the decision form, with the agent's CSRF token among its fields. */
async function postDecision(action: string, fields: Record<string, string>) {
  const _csrf = await csrfFrom(staff, '/staff/decisions/new');
  const req = staff.post(action).field('_csrf', _csrf);
  for (const [name, value] of Object.entries(fields)) void req.field(name, value);
  return req;
}

const decisionFields = (extra: Record<string, string>) => ({
  number: '12',
  year: '2026',
  'meeting_date-day': '3',
  'meeting_date-month': '4',
  'meeting_date-year': '2026',
  category: 'oikonomika',
  subject: 'Θέμα',
  summary: '',
  ada: '',
  ...extra,
});

/** The answer must not be a server error, and must say something a person can read. */
function expectMessage(res: Response, what: string) {
  expect(res.status, `${what}: ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400 && /html/.test(String(res.headers['content-type']))) {
    const $ = cheerio.load(res.text);
    const said = `${$('h1').text()} ${$('.govuk-error-summary, .govuk-error-message').text()}`;
    expect(said.trim().length, `${what}: no message`).toBeGreaterThan(0);
    // A message, not an i18n key nobody wrote.
    expect(said, what).not.toMatch(/\b(?:errors|accounts|staff)\.[A-Za-z]+\.[A-Za-z.]+/);
  }
}

const PUBLIC_GETS = [
  '/decisions?q=%00',
  '/decisions?q=a%00b&category=%00&year=%00&page=%00',
  `/decisions?page=${HUGE}&year=${HUGE}`,
  '/decisions?page=-1&year=0',
  '/decisions/0',
  '/decisions/-1',
  `/decisions/${HUGE}`,
  '/decisions/%00',
  '/decisions/1%00',
  '/decisions/0/document',
  `/decisions/${HUGE}/document`,
  '/decisions/feed.atom?q=%00',
  '/benefits/%00',
  '/benefits/a%00b',
  '/benefits?category=%00',
  '/health/%00',
  '/health?kind=%00',
  '/%00',
  '/login?next=/%00',
  '/password-reset/%00',
  '/activate/%00',
  '/invite/%00',
  '/account/email/%00',
  '/?lang=%00',
  '/dev/mailbox/0',
  `/dev/mailbox/${HUGE}`,
  '/dev/mailbox/%00',
];

const STAFF_GETS = [
  '/staff/citizens?q=%00',
  '/staff/citizens?q=%7B',
  '/staff/citizens/0',
  '/staff/citizens/-1',
  `/staff/citizens/${HUGE}`,
  '/staff/citizens/%00',
  '/staff/decisions?q=%00',
  '/staff/decisions?q=0',
  `/staff/decisions?q=${HUGE}`,
  '/staff/decisions?q=999999/2026',
  `/staff/decisions?page=${HUGE}`,
  '/staff/decisions?status=%00',
  '/staff/decisions/0',
  `/staff/decisions/${HUGE}`,
  '/staff/decisions/0/history',
  '/staff/decisions/%00/unpublish',
  '/staff/benefits/0',
  '/staff/benefits/%00',
  `/staff/health/${HUGE}/history`,
  '/staff/users/0',
  '/staff/users/%00',
  `/staff/audit?actor=%00&action=%00&page=${HUGE}`,
  `/staff/audit?from-day=${HUGE}&from-month=1&from-year=2026`,
  '/staff/audit?from-day=%00&from-month=%00&from-year=%00',
];

describe('what PostgreSQL refuses, whatever let it through', () => {
  it.each([
    ['unique', 409],
    ['check', 400],
    ['foreignKey', 409],
    ['tooLong', 400],
    ['notANumber', 400],
    ['outOfRange', 400],
    ['nul', 400],
  ] as const)('%s: %i with a page that says what to do', async (kind, status) => {
    const res = await newAgent(ctx.app).get(`/test-refusal/${kind}?lang=en`);
    expect(res.status).toBe(status);
    expect(res.headers['cache-control']).toBe('no-store');
    const $ = cheerio.load(res.text);
    expect($('h1').text()).toMatch(status === 409 ? /clashes/ : /cannot be saved/);
    expect($('main').text()).toMatch(/Go back/);
  });
});

describe('hostile addresses', () => {
  it.each(PUBLIC_GETS)('GET %s answers < 500 with a message', async (path) => {
    expectMessage(await newAgent(ctx.app).get(path), path);
  });

  it.each(STAFF_GETS)('staff GET %s answers < 500 with a message', async (path) => {
    expectMessage(await staff.get(path), path);
  });

  it('refuses NUL in the query or the path with a 400 page in the visitor language', async () => {
    const res = await newAgent(ctx.app).get('/benefits/a%00b?lang=en');
    expect(res.status).toBe(400);
    expect(cheerio.load(res.text)('h1').text()).toMatch(/characters/);
    expect(res.headers['cache-control']).toBe('no-store');
    const query = await newAgent(ctx.app).get('/decisions?q=%00');
    expect(query.status).toBe(400);
    expect(cheerio.load(query.text)('h1').text()).toMatch(/χαρακτήρες/);
  });
});

describe('hostile forms', () => {
  const registration = (extra: Record<string, string>) => ({
    ...validRegistration(`h${Math.floor(Math.random() * 1e6)}`),
    ...extra,
  });

  const PUBLIC_POSTS: [string, string, string, Record<string, string>][] = [
    ['NUL in the sign-in name', '/login', '/login', { login: 'a\u0000b', password: 'x\u0000' }],
    [
      'NUL in a registration field',
      '/register',
      '/register',
      registration({ fullName: 'Μ\u0000' }),
    ],
    ['a phone starting with {', '/register', '/register', registration({ phone: '{' })],
    ['a phone of braces', '/register', '/register', registration({ phone: '{6912345678}' })],
    ['a 10,000-character name', '/register', '/register', registration({ fullName: LONG_NAME })],
    ['NUL in the reset email', '/password-reset', '/password-reset', { email: 'a\u0000@b.gr' }],
    ['NUL in the resend email', '/activate/resend', '/activate/resend', { email: 'a\u0000@b.gr' }],
  ];

  it.each(PUBLIC_POSTS)('%s answers < 500 with a message', async (what, page, action, fields) => {
    expectMessage(await postForm(newAgent(ctx.app), page, action, fields), what);
  });

  it('a citizen: NUL or braces in the phone and email forms', async () => {
    for (const fields of [{ phone: '{' }, { phone: '{6912345678' }, { phone: 'x\u0000' }]) {
      const res = await postForm(citizenAgent, '/account', '/account/phone', fields);
      expectMessage(res, JSON.stringify(fields));
    }
    const email = await postForm(citizenAgent, '/account', '/account/email', {
      email: 'a\u0000@b.gr',
    });
    expectMessage(email, 'email with NUL');
  });

  it('the staff invite: a 10,000-character name is a field message', async () => {
    const res = await postForm(staff, '/staff/users/new', '/staff/users/new', {
      fullName: LONG_NAME,
      username: 'long.name.staff',
      email: 'long.name@example.gov.gr',
      roles: 'editor',
    });
    expect(res.status).toBe(400);
    expect(cheerio.load(res.text)('#fullName-error').text().length).toBeGreaterThan(0);
    expect(await ctx.db('users').where({ username: 'long.name.staff' }).first()).toBeUndefined();
    for (const fields of [
      { fullName: 'Όνομα\u0000', username: 'nul.staff', email: 'nul@example.gov.gr' },
      { fullName: 'Όνομα', username: 'long.email', email: `${'a'.repeat(300)}@example.gov.gr` },
    ]) {
      const other = await postForm(staff, '/staff/users/new', '/staff/users/new', {
        ...fields,
        roles: 'editor',
      });
      expectMessage(other, JSON.stringify(fields).slice(0, 80));
    }
  });

  it('the counter: braces, NUL and overlong values in the contact and identity forms', async () => {
    const page = `/staff/citizens/${citizenId}`;
    const document = { contactDocumentType: 'passport', contactDocumentNumber: 'P1234567' };
    for (const fields of [
      { phone: '{', email: '', ...document },
      { phone: '{6912345678', email: '', ...document },
      { phone: '', email: 'x\u0000@example.gr', ...document },
      { phone: '', email: `${'a'.repeat(10_000)}@example.gr`, ...document },
      { phone: '6912345678', email: '', contactDocumentType: '{', contactDocumentNumber: '\u0000' },
    ])
      expectMessage(await postForm(staff, page, `${page}/contact`, fields), JSON.stringify(fields));
    for (const fields of [
      { documentType: 'passport', documentNumber: 'P\u0000123', afm: '0', present: 'yes' },
      { documentType: '{', documentNumber: LONG_NAME, afm: HUGE, present: 'yes' },
    ])
      expectMessage(await postForm(staff, page, `${page}/verify`, fields), 'verify');
    const verified = `/staff/citizens/${verifiedId}`;
    for (const reason of ['Λάθος\u0000', LONG_NAME])
      expectMessage(
        await postForm(staff, verified, `${verified}/revoke`, { reason }),
        `revoke ${reason.slice(0, 10)}`,
      );
  });

  it('decision number 0, negative, huge or with NUL: a message at the number field', async () => {
    for (const number of ['0', '000', '-1', HUGE, '1\u0000']) {
      for (const action of ['/staff/decisions/new', `/staff/decisions/${decisionId}`]) {
        const res = await postDecision(action, decisionFields({ number }));
        expectMessage(res, `${action} number ${JSON.stringify(number)}`);
        if (!number.includes('\u0000')) {
          expect(res.status).toBe(400);
          expect(cheerio.load(res.text)('#number-error').text()).toMatch(/αριθμ/i);
        }
      }
    }
    expect(await ctx.db('decisions').where({ number: 0 }).first()).toBeUndefined();
  });

  it('the decision form: NUL and overlong text in every field', async () => {
    const cases: Record<string, string>[] = [
      { subject: 'Θέμα\u0000' },
      { summary: '\u0000' },
      { ada: '\u0000' },
      { category: '\u0000' },
      { 'meeting_date-day': HUGE },
      { year: HUGE },
      { subject: LONG_NAME },
    ];
    for (const extra of cases)
      expectMessage(
        await postDecision('/staff/decisions/new', decisionFields(extra)),
        JSON.stringify(extra).slice(0, 60),
      );
  });

  it('malformed multipart: a truncated body, a wrong boundary, no boundary', async () => {
    const _csrf = await csrfFrom(staff, '/staff/decisions/new');
    const part = (name: string, value: string) =>
      `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const whole = `${part('_csrf', _csrf)}${part('subject', 'Θέμα')}--XyZ--\r\n`;
    const cases: [string, string, string][] = [
      ['truncated', 'multipart/form-data; boundary=XyZ', whole.slice(0, whole.length - 20)],
      [
        'cut in a header',
        'multipart/form-data; boundary=XyZ',
        `${part('_csrf', _csrf)}--XyZ\r\nContent-Disp`,
      ],
      ['wrong boundary', 'multipart/form-data; boundary=Other', whole],
      ['no boundary', 'multipart/form-data', whole],
      ['empty body', 'multipart/form-data; boundary=XyZ', ''],
      [
        'a file part without a name',
        'multipart/form-data; boundary=XyZ',
        `${part('_csrf', _csrf)}--XyZ\r\nContent-Disposition: form-data; filename="a.pdf"\r\n\r\n%PDF-\r\n--XyZ--\r\n`,
      ],
    ];
    for (const [what, type, body] of cases) {
      for (const action of ['/staff/decisions/new', `/staff/decisions/${decisionId}`]) {
        const res = await staff.post(action).set('Content-Type', type).send(body);
        expectMessage(res, `${what} ${action}`);
      }
    }
  });

  it('the content editor: NUL, braces and overlong values', async () => {
    for (const [section, extra] of [
      ['benefits', { title_el: 'Τίτλος\u0000', summary_el: 'x' }],
      ['benefits', { title_el: LONG_NAME, summary_el: LONG_NAME }],
      ['health', { title_el: 'Τίτλος', phone: '{', address_el: '\u0000' }],
    ] as const) {
      const res = await postForm(staff, `/staff/${section}/new`, `/staff/${section}/new`, extra);
      expectMessage(res, `${section} ${JSON.stringify(extra).slice(0, 60)}`);
    }
    if (benefitId)
      expectMessage(
        await postForm(staff, `/staff/benefits/${benefitId}`, `/staff/benefits/${benefitId}`, {
          title_el: 'Τ\u0000',
        }),
        'benefit update with NUL',
      );
  });
});

/**
 * A small seeded fuzz (no library: the project has no property-testing dependency): every form
 * the tests above reach, each field replaced in turn by hostile values drawn from a fixed seed.
 */
describe('fuzzed forms', () => {
  const HOSTILE = [
    '\u0000',
    'a\u0000b',
    '{',
    '}{',
    '[]',
    '"\'\\',
    '%00',
    '0',
    '-1',
    HUGE,
    '1e309',
    'NaN',
    '\u202e\u0301',
    '😀'.repeat(300),
    'x'.repeat(5_000),
    ' ',
  ];
  const seeded = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  const FORMS: [Agent | 'anonymous', string, string][] = [
    ['anonymous', '/register', '/register'],
    ['anonymous', '/login', '/login'],
    ['anonymous', '/password-reset', '/password-reset'],
    ['anonymous', '/activate/resend', '/activate/resend'],
  ];

  it(
    'every field of the public and staff forms, 120 hostile submissions: no 500',
    { timeout: 180_000 },
    async () => {
      const random = seeded(20_261_201);
      const forms: [Agent | 'anonymous', string, string][] = [
        ...FORMS,
        [staff, '/staff/users/new', '/staff/users/new'],
        [staff, `/staff/citizens/${citizenId}`, `/staff/citizens/${citizenId}/contact`],
        [staff, `/staff/citizens/${citizenId}`, `/staff/citizens/${citizenId}/verify`],
        [staff, '/staff/benefits/new', '/staff/benefits/new'],
        [staff, '/staff/health/new', '/staff/health/new'],
        [staff, '/staff/decisions/import', '/staff/decisions/import'],
        [citizenAgent, '/account', '/account/phone'],
        [citizenAgent, '/account', '/account/email'],
      ];
      let sent = 0;
      for (let round = 0; sent < 120; round += 1) {
        const [who, page, action] = forms[round % forms.length]!;
        const agent = who === 'anonymous' ? newAgent(ctx.app) : who;
        const $ = cheerio.load((await agent.get(page)).text);
        const names = [
          ...new Set(
            $(`form[action="${action}"]`)
              .first()
              .find('input[name], textarea[name], select[name]')
              .map((_i, el) => $(el).attr('name') ?? '')
              .get()
              .filter((name) => name && !name.startsWith('_')),
          ),
        ];
        const fields: Record<string, string> = {};
        for (const name of names)
          fields[name] =
            random() < 0.5 ? HOSTILE[Math.floor(random() * HOSTILE.length)]! : `v${round}`;
        const res = await postForm(agent, page, action, fields);
        expectMessage(res, `${action} ${JSON.stringify(fields).slice(0, 200)}`);
        sent += 1;
      }
    },
  );
});

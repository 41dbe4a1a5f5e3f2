import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createActiveUser,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
  type Agent,
} from '../helpers/accounts.ts';
import { createDecision } from '../helpers/factories.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// What a newcomer's walk through the portal found, one describe per finding.

let ctx: TestContext;
let clerk: Agent;
let admin: Agent;
let adminId: number;
let editor: Agent;
const DECISIONS = 25;

beforeAll(async () => {
  ctx = await createTestContext();
  clerk = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).agent;
  ({ agent: admin, id: adminId } = await signedInStaff(ctx.app, ctx.db, ['admin']));
  editor = (await signedInStaff(ctx.app, ctx.db, ['editor'])).agent;
  for (let i = 1; i <= DECISIONS; i += 1) {
    await createDecision(ctx.db, {
      number: 100 + i,
      year: 2026,
      meeting_date: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
      subject: `Έγκριση μελέτης οδοποιίας ${i}`,
    });
  }
});
afterAll(() => ctx.close());

const load = (html: string) => cheerio.load(html);
const statusOf = async (table: string, id: number) =>
  ((await ctx.db(table).where({ id }).first('status')) as { status: string }).status;
const switchLink = (html: string) => load(html)('.app-lang-bar__link').attr('href');

async function verifiedCitizen(n: string, verifiedAt = new Date('2026-03-28T22:30:00Z')) {
  return createActiveUser(ctx.db, n, {
    identity_verified_at: verifiedAt,
    identity_channel: 'counter',
    afm: afmFrom(`1${String(Date.now()).slice(-7)}`),
  });
}

describe('the language switch on a page shown after a form error (2)', () => {
  it('leads from the account page’s forms back to the account page, which answers', async () => {
    const user = await createActiveUser(ctx.db, 'lang1');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const forms: [string, Record<string, string>][] = [
      ['/account/phone', { phone: 'not a phone' }],
      ['/account/email', { email: 'not an email' }],
      ['/account/password', { currentPassword: 'wrong', password: 'x', passwordConfirm: 'y' }],
    ];
    for (const [action, fields] of forms) {
      const res = await postForm(agent, '/account', action, fields);
      expect(res.status, action).toBe(400);
      const href = switchLink(res.text);
      expect(href, action).toBe('/account?lang=en');
      expect((await agent.get(href!)).status, action).toBe(200);
      await agent.get('/account?lang=el');
    }
  });

  it('leads from the clerk’s and the admin’s forms back to the record, which answers', async () => {
    const pending = await createActiveUser(ctx.db, 'lang2');
    const verified = await verifiedCitizen('lang3');
    const staffUser = await signedInStaff(ctx.app, ctx.db, ['editor']);
    const cases: [Agent, string, string, Record<string, string>][] = [
      [clerk, `/staff/citizens/${pending.id}`, 'verify', { afm: '1' }],
      [clerk, `/staff/citizens/${verified.id}`, 'revoke', { reason: '' }],
      [clerk, `/staff/citizens/${pending.id}`, 'contact', {}],
      [admin, `/staff/users/${staffUser.id}`, 'roles', {}],
    ];
    for (const [agent, page, action, fields] of cases) {
      const res = await postForm(agent, page, `${page}/${action}`, fields);
      expect(res.status, action).toBe(400);
      const href = switchLink(res.text);
      expect(href, action).toBe(`${page}?lang=en`);
      const switched = await agent.get(href!);
      expect(switched.status, action).toBe(200);
      expect(load(switched.text)('html').attr('lang')).toBe('en');
      await agent.get(`${page}?lang=el`);
    }
  });

  it('keeps the way back of the sign-in form', async () => {
    const res = await postForm(newAgent(ctx.app), '/login?next=%2Faccount', '/login', {
      login: 'nobody',
      password: 'wrong password',
    });
    expect(res.status).toBe(401);
    expect(switchLink(res.text)).toBe('/login?next=%2Faccount&lang=en');
  });
});

describe('the identity check form after an error (4)', () => {
  it('keeps the "citizen was present" tick', async () => {
    const citizen = await createActiveUser(ctx.db, 'tick1');
    const page = `/staff/citizens/${citizen.id}`;
    const res = await postForm(clerk, page, `${page}/verify`, {
      documentType: 'identity_card',
      documentNumber: 'ΑΚ123456',
      afm: '123456789',
      present: 'yes',
    });
    expect(res.status).toBe(400);
    const $ = load(res.text);
    expect($('#afm-error').length).toBe(1);
    expect($('#present').attr('checked')).toBeDefined();
    const unticked = await postForm(clerk, page, `${page}/verify`, { afm: '1' });
    expect(load(unticked.text)('#present').attr('checked')).toBeUndefined();
  });
});

describe('a decisions page past the last (5)', () => {
  it('sends the visitor to the last page, keeping the search', async () => {
    const res = await request(ctx.app).get('/decisions?page=999');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/decisions?page=2');
    const q = encodeURIComponent('οδοποιίας');
    const search = await request(ctx.app).get(`/decisions?q=${q}&page=40`);
    expect(search.headers.location).toBe(`/decisions?q=${q}&page=2`);
    const none = await request(ctx.app).get('/decisions?q=zzzzzz&page=3');
    expect(none.headers.location).toBe('/decisions?q=zzzzzz');
    const last = await request(ctx.app).get('/decisions?page=2');
    expect(last.status).toBe(200);
    expect(load(last.text)('.app-result').length).toBe(DECISIONS - 20);
  });
});

describe('a filter with an error (6)', () => {
  const bad = [
    '/decisions?from-day=1&from-month=6&from-year=2026&to-day=1&to-month=1&to-year=2026',
    '/decisions?from-day=31&from-month=2&from-year=2026',
    '/decisions?year=abc&category=oikonomika',
  ];
  for (const url of bad) {
    it(`shows the error and no results until it is corrected: ${url}`, async () => {
      // The unfiltered list first, so that its results are in the cache.
      for (const lang of ['el', 'en']) await request(ctx.app).get(`/decisions?lang=${lang}`);
      for (const [lang, message] of [
        ['el', 'Διορθώστε'],
        ['en', 'Correct'],
      ] as const) {
        const res = await request(ctx.app).get(`${url}&lang=${lang}`);
        expect(res.status).toBe(200);
        const $ = load(res.text);
        expect($('.govuk-error-summary').length).toBe(1);
        expect($('.app-result').length).toBe(0);
        expect($('#results-heading').text()).not.toMatch(/\d/);
        expect($('#results-heading').text()).toContain(message);
        expect($('.govuk-pagination').length).toBe(0);
      }
    });
  }
});

describe('times shown to staff are Athens times (8)', () => {
  it('in the audit log, the identity checks and a decision’s history, across the change to summer time', async () => {
    // The process runs in UTC (vitest.config.ts): what the pages say in Athens time is the code's doing.
    expect(new Date('2026-07-01T12:00:00Z').getHours()).toBe(12);
    const citizen = await createActiveUser(ctx.db, 'time1', {
      identity_verified_at: new Date('2026-03-29T01:30:00Z'),
      identity_channel: 'counter',
      afm: afmFrom('20000001'),
    });
    const decision = await createDecision(ctx.db, { subject: 'Απόφαση με ιστορικό' });
    // 00:30 UTC is 02:30 in Athens (winter, +2); 01:30 UTC, after the change, is 04:30 (+3).
    await ctx.db('audit_log').insert([
      {
        action: 'decision.updated',
        actor_id: adminId,
        entity_type: 'decision',
        entity_id: decision,
        at: new Date('2026-03-29T00:30:00Z'),
      },
      {
        action: 'decision.published',
        actor_id: adminId,
        entity_type: 'decision',
        entity_id: decision,
        at: new Date('2026-03-29T01:30:00Z'),
      },
      {
        action: 'identity.verified',
        actor_id: adminId,
        user_id: citizen.id,
        at: new Date('2026-03-28T21:50:00Z'),
      },
    ]);
    await ctx.db('identity_checks').insert({
      user_id: citizen.id,
      document_type: 'identity_card',
      document_number_masked: '••••3456',
      afm: afmFrom('20000001'),
      checked_at: new Date('2026-03-29T01:30:00Z'),
      revoked_at: new Date('2026-10-24T22:30:00Z'),
      revoke_reason: 'Λάθος',
    });

    const audit = load((await admin.get('/staff/audit?action=decision.updated')).text);
    expect(audit('tbody tr td').first().text().trim()).toBe('2026-03-29 02:30:00');
    const published = load((await admin.get('/staff/audit?action=decision.published')).text);
    expect(published('tbody tr td').first().text().trim()).toBe('2026-03-29 04:30:00');
    expect(published('main').text()).not.toContain('UTC');
    // The date filter counts Athens days too: 21:50 UTC on the 28th is 23:50 on the 28th in Athens.
    const day = (d: string) =>
      `from-day=${d}&from-month=3&from-year=2026&to-day=${d}&to-month=3&to-year=2026`;
    const on28 = load((await admin.get(`/staff/audit?action=identity.verified&${day('28')}`)).text);
    expect(on28('tbody tr').length).toBe(1);
    expect(on28('tbody tr td').first().text().trim()).toBe('2026-03-28 23:50:00');

    const record = load((await clerk.get(`/staff/citizens/${citizen.id}`)).text);
    const cells = record('main table tbody tr td');
    expect(cells.first().text().trim()).toBe('2026-03-29 04:30');
    // 22:30 UTC on 24 October is 01:30 on the 25th in Athens (summer time, +3).
    expect(cells.last().text().trim()).toBe('2026-10-25: Λάθος');

    const history = load((await editor.get(`/staff/decisions/${decision}/history`)).text);
    const times = history('.app-history-entry p')
      .map((_i, el) => history(el).text().split('·')[0]!.trim())
      .get();
    expect(times).toEqual(['2026-03-29 04:30:00', '2026-03-29 02:30:00']);
  });
});

describe('password messages for each audience (11)', () => {
  it('tells a citizen 10 characters and nothing about staff', async () => {
    const user = await createActiveUser(ctx.db, 'pw1');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    for (const lang of ['el', 'en']) {
      await agent.get(`/account?lang=${lang}`);
      const res = await postForm(agent, '/account', '/account/password', {
        currentPassword: user.password,
        password: 'short one',
        passwordConfirm: 'short one',
      });
      const message = load(res.text)('#password-error').text();
      expect(message, lang).toContain('10');
      expect(message, lang).not.toContain('14');
    }
  });

  it('tells a staff invitee 14 characters, as the hint does, and nothing about citizens', async () => {
    await postForm(admin, '/staff/users/new', '/staff/users/new', {
      username: 'invitee.pw',
      fullName: 'Νέος Υπάλληλος',
      email: 'invitee.pw@example.gov.gr',
      roles: 'editor',
    });
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === 'invitee.pw@example.gov.gr')!;
    const path = linkIn(mail, '/invite');
    const invitee = newAgent(ctx.app);
    const res = await postForm(invitee, path, path, {
      password: 'eleven char',
      passwordConfirm: 'eleven char',
    });
    expect(res.status).toBe(400);
    const $ = load(res.text);
    expect($('#password-hint').text()).toContain('14');
    expect($('#password-error').text()).toContain('14');
    expect($('#password-error').text()).not.toContain('10');
  });
});

describe('the citizen’s identity status on the account page (13)', () => {
  it('says when a verified citizen’s identity was checked, in Athens’ calendar', async () => {
    // 22:30 UTC on 28 March is already 29 March in Athens.
    const user = await verifiedCitizen('id1');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const greek = load((await agent.get('/account')).text);
    expect(greek('#identity-status').text()).toContain('29 Μαρτίου 2026');
    const english = load((await agent.get('/account?lang=en')).text);
    expect(english('#identity-status').text()).toContain(
      'Identity checked at the counter on 29 March 2026',
    );
  });

  it('tells an unverified citizen it is not yet checked, what it opens and how to have it done', async () => {
    const user = await createActiveUser(ctx.db, 'id2');
    const agent = newAgent(ctx.app);
    await signIn(agent, user.username, user.password);
    const english = load((await agent.get('/account?lang=en')).text);
    expect(english('#identity-status').text()).toContain('Not yet checked');
    const how = english('#identity-check').text();
    expect(how).toContain('counter');
    expect(how).toMatch(/identity card|passport/i);
    const greek = load((await agent.get('/account?lang=el')).text);
    expect(greek('#identity-status').text()).toContain('Δεν έχει ελεγχθεί');
    expect(greek('#identity-check').text()).toContain('ταυτότητα');
  });
});

describe('one-click actions now asked about first (14)', () => {
  const insertContent = async (table: 'benefits' | 'health_services', slug: string) => {
    const extra =
      table === 'benefits'
        ? {
            category_id: (
              (await ctx
                .db('benefit_categories')
                .insert({ slug: `cat-${slug}`, name: { el: 'Κατηγορία', en: 'Category' } })
                .returning('id')) as { id: number }[]
            )[0]!.id,
            eligibility_md: { el: 'Όλοι.' },
            documents_md: { el: 'Ταυτότητα.' },
            how_to_apply_md: { el: 'Στο ΚΕΠ.' },
          }
        : {
            kind: 'clinic',
            body_md: { el: 'Κείμενο.' },
            address: { el: 'Πλατεία 1' },
            hours: { el: 'Δευτέρα' },
          };
    const [row] = (await ctx
      .db(table)
      .insert({
        slug,
        title: { el: `Σελίδα ${slug}`, en: `Page ${slug}` },
        summary: { el: 'Σύνοψη' },
        status: 'published',
        ...extra,
      })
      .returning('id')) as { id: number }[];
    return row!.id;
  };

  for (const [table, base] of [
    ['benefits', '/staff/benefits'],
    ['health_services', '/staff/health'],
  ] as const) {
    it(`unpublishing a ${table} page asks for confirmation on a page of its own`, async () => {
      const id = await insertContent(table, `confirm-${table.replace('_', '-')}`);
      const form = load((await editor.get(`${base}/${id}`)).text);
      expect(form(`form[action="${base}/${id}/unpublish"]`).length).toBe(0);
      expect(form(`a[href="${base}/${id}/unpublish"]`).length).toBe(1);
      const confirm = await editor.get(`${base}/${id}/unpublish`);
      expect(confirm.status).toBe(200);
      expect(
        load(confirm.text)(`form[action="${base}/${id}/unpublish"] input[name="confirm"]`).val(),
      ).toBe('yes');
      // Sent without the confirmation (an old form), it asks instead of acting.
      const unconfirmed = await postForm(
        editor,
        `${base}/${id}/unpublish`,
        `${base}/${id}/unpublish`,
        {
          confirm: '',
        },
      );
      expect(unconfirmed.headers.location).toBe(`${base}/${id}/unpublish`);
      expect(await statusOf(table, id)).toBe('published');
      const done = await postForm(editor, `${base}/${id}/unpublish`, `${base}/${id}/unpublish`, {});
      expect(done.status).toBe(303);
      expect(await statusOf(table, id)).toBe('draft');
      // A draft has nothing to unpublish: the page sends the editor back.
      expect((await editor.get(`${base}/${id}/unpublish`)).headers.location).toBe(`${base}/${id}`);
    });
  }

  it('disabling a staff account asks for confirmation on a page of its own', async () => {
    const target = await signedInStaff(ctx.app, ctx.db, ['editor']);
    const page = `/staff/users/${target.id}`;
    const user = load((await admin.get(page)).text);
    expect(user(`form[action="${page}/disable"]`).length).toBe(0);
    expect(user(`a[href="${page}/disable"]`).length).toBe(1);
    const confirm = await admin.get(`${page}/disable`);
    expect(confirm.status).toBe(200);
    expect(load(confirm.text)('main').text()).toContain(target.username);
    const unconfirmed = await postForm(admin, `${page}/disable`, `${page}/disable`, {
      confirm: '',
    });
    expect(unconfirmed.headers.location).toBe(`${page}/disable`);
    expect(await statusOf('users', target.id)).toBe('active');
    const done = await postForm(admin, `${page}/disable`, `${page}/disable`, {});
    expect(done.status).toBe(303);
    expect(await statusOf('users', target.id)).toBe('disabled');
  });
});

describe('emails on a phone (15)', () => {
  it('are fluid: at most 600 px wide, never a fixed 600', async () => {
    await postForm(admin, '/staff/users/new', '/staff/users/new', {
      username: 'invitee.fluid',
      fullName: 'Υπάλληλος Οθόνης',
      email: 'invitee.fluid@example.gov.gr',
      roles: 'clerk',
    });
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === 'invitee.fluid@example.gov.gr')!;
    expect(mail.html).not.toMatch(/width="600"/);
    expect(mail.html).toMatch(/max-width:\s*600px/);
    expect(mail.html).toMatch(/width:\s*100%/);
    expect(mail.html).toContain('name="viewport"');
  });
});

describe('small things (16)', () => {
  it('sends a staff invitation in the language the admin is using', async () => {
    await admin.get('/staff/users/new?lang=en');
    await postForm(admin, '/staff/users/new', '/staff/users/new', {
      username: 'invitee.en',
      fullName: 'New Colleague',
      email: 'invitee.en@example.gov.gr',
      roles: 'clerk',
    });
    await admin.get('/staff/users/new?lang=el');
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === 'invitee.en@example.gov.gr')!;
    expect(mail.text).toMatch(/invit/i);
    expect(mail.text).not.toMatch(/[\u0370-\u03FF]{4}/);
    expect(
      ((await ctx.db('users').where({ username: 'invitee.en' }).first('lang')) as { lang: string })
        .lang,
    ).toBe('en');
  });

  it('forgets a way back that the visitor walked away from', async () => {
    const user = await createActiveUser(ctx.db, 'next1');
    const agent = newAgent(ctx.app);
    await agent.get('/login?next=%2Faccount');
    await agent.get('/decisions');
    const res = await postForm(agent, '/login', '/login', {
      login: user.username,
      password: user.password,
    });
    expect(res.headers.location).toBe('/');
  });

  it('makes the home page’s phone number a tel: link like the footer’s', async () => {
    const $ = load((await request(ctx.app).get('/')).text);
    const link = $('main a[href^="tel:"]');
    expect(link.length).toBe(1);
    expect(link.attr('href')).toBe($('footer a[href^="tel:"]').attr('href'));
  });

  it('marks a search summary cut short with "…"', async () => {
    const words = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');
    await createDecision(ctx.db, {
      subject: 'Διάφορα θέματα',
      summary: `${words(40, 'καθαριότητα')} σιντριβάνι ${words(40, 'πεζοδρόμια')} τέλος.`,
    });
    const $ = load(
      (await request(ctx.app).get(`/decisions?q=${encodeURIComponent('σιντριβάνι')}`)).text,
    );
    const summary = $('.app-result p').last().text().trim();
    expect(summary).toContain('σιντριβάνι');
    expect(summary.startsWith('…')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('takes "Back to decisions" back to the search the visitor came from', async () => {
    const q = encodeURIComponent('οδοποιίας');
    const list = load((await request(ctx.app).get(`/decisions?q=${q}&year=2026&page=2`)).text);
    const href = list('.app-result h3 a').first().attr('href')!;
    const detail = load((await request(ctx.app).get(href)).text);
    const back = detail('main a').filter((_i, a) => detail(a).text() === 'Πίσω στις αποφάσεις');
    expect(back.attr('href')).toBe(`/decisions?q=${q}&year=2026&page=2`);
    // A plain list links to plain decision pages, and a forged way back is not followed.
    const plain = load((await request(ctx.app).get('/decisions')).text);
    expect(plain('.app-result h3 a').first().attr('href')).toMatch(/^\/decisions\/\d+$/);
    const id = /\d+/.exec(href)![0];
    const forged = load(
      (
        await request(ctx.app).get(
          `/decisions/${id}?back=${encodeURIComponent('//evil.example/x')}`,
        )
      ).text,
    );
    expect(forged('main a[href*="evil"]').length).toBe(0);
  });
});

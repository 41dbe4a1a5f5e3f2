import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRequestCategories } from '../../src/features/requests/requests.demo.ts';
import { sendHandlerDigests } from '../../src/features/requests/staff/digest.job.ts';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  drainMail,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import type { Browser } from 'playwright-core';
import { hashSecret } from '../../src/lib/passwords.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const SETTINGS = '/staff/requests/settings';
const PREFERENCES = '/staff/requests/preferences';

// The clock moves: requests are filed now (the database stamps them), the digest runs a day later.
let now = new Date();
let ctx: TestContext;
let admin: { agent: Agent; id: number };
let handler: { agent: Agent; id: number; username: string };
let adminHandler: { agent: Agent; id: number };
let clerkId: number;
let maria: Agent;

const page = (agent: Agent, path: string) =>
  agent.get(path).then((res) => ({ res, $: cheerio.load(res.text) }));
const dept = async (slug: string) =>
  (await ctx.db('departments').where({ slug }).first()) as
    | { id: number; slug: string; name: { el: string; en: string }; email: string | null }
    | undefined;
const categoryRow = async (slug: string) =>
  (await ctx.db('request_categories').where({ slug }).first()) as
    | {
        id: number;
        department_id: number;
        active: boolean;
        deadline_days: number;
        may_be_public: boolean;
        group_key: string;
        position: number;
      }
    | undefined;
const audits = (action: string) => ctx.db('audit_log').where({ action }).orderBy('id');
const inLang = (agent: Agent, lang: 'el' | 'en') => agent.get(`/staff?lang=${lang}`);

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
  admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
  handler = await signedInStaff(ctx.app, ctx.db, ['handler']);
  adminHandler = await signedInStaff(ctx.app, ctx.db, ['admin', 'handler']);
  clerkId = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).id;
  const user = await createActiveUser(ctx.db, 'settings-maria');
  maria = newAgent(ctx.app);
  await signIn(maria, user.username, user.password);
});
afterAll(() => ctx.close());

describe('who reaches the settings and the preferences', () => {
  it('lets an admin without the handler role in, and refuses a handler who is not an admin (403)', async () => {
    for (const path of [SETTINGS, `${SETTINGS}/categories`, `${SETTINGS}/departments/new`]) {
      expect((await admin.agent.get(path)).status, path).toBe(200);
      expect((await handler.agent.get(path)).status, path).toBe(403);
    }
    const _csrf = await csrfFrom(handler.agent, PREFERENCES);
    const post = await handler.agent
      .post(`${SETTINGS}/departments/new`)
      .type('form')
      .send({ _csrf, nameEl: 'Χ', nameEn: 'X', slug: 'sneaky', email: '' });
    expect(post.status).toBe(403);
    expect(await dept('sneaky')).toBeUndefined();
    // The admin is not a handler: the queue and the handler's own page stay closed to them.
    expect((await admin.agent.get('/staff/requests')).status).toBe(403);
    expect((await admin.agent.get(PREFERENCES)).status).toBe(403);
    expect((await handler.agent.get(PREFERENCES)).status).toBe(200);
  });

  it('shows each role its own entries in the staff navigation', async () => {
    const nav = async (agent: Agent) =>
      (await page(agent, '/staff'))
        .$('nav.app-staff-nav a')
        .map((_i, a) => cheerio.load(a).root().find('a').attr('href'))
        .get();
    expect(await nav(admin.agent)).toContain(SETTINGS);
    expect(await nav(admin.agent)).not.toContain('/staff/requests');
    expect(await nav(handler.agent)).toContain('/staff/requests');
    expect(await nav(handler.agent)).not.toContain(SETTINGS);
    // Preferences and templates are reached from their module's pages, not listed.
    expect(await nav(handler.agent)).not.toContain(PREFERENCES);
    const current = (await page(adminHandler.agent, `${SETTINGS}/templates`)).$(
      'nav.app-staff-nav a[aria-current="page"]',
    );
    expect(current.map((_i, a) => cheerio.load(a).root().find('a').attr('href')).get()).toEqual([
      SETTINGS,
    ]);
    const { $ } = await page(handler.agent, '/staff/requests');
    expect($(`main a[href="${PREFERENCES}"]`).length).toBe(1);
    const both = await page(adminHandler.agent, SETTINGS);
    expect(both.res.status).toBe(200);
    expect(both.$(`main a[href="${SETTINGS}/templates"]`).length).toBe(1);
  });
});

describe('departments', () => {
  it('refuses a bad department at its fields, in Greek and in English, never with a 500', async () => {
    const empty = await postForm(
      admin.agent,
      `${SETTINGS}/departments/new`,
      `${SETTINGS}/departments/new`,
      {
        nameEl: '',
        nameEn: '   ',
        slug: 'Κακό Όνομα',
        email: 'not-an-email',
      },
    );
    expect(empty.status).toBe(400);
    const $ = cheerio.load(empty.text);
    expect($('#nameEl-error').text()).toContain('Συμπληρώστε');
    expect($('#nameEn-error').text()).toContain('Συμπληρώστε');
    expect($('#slug-error').text()).toContain('λατινικά');
    expect($('#email-error').text()).toContain('tmima@example.gov.gr');
    expect($('.govuk-error-summary a[href="#slug"]').length).toBe(1);
    expect($('#slug').attr('value')).toBe('Κακό Όνομα');
    await inLang(admin.agent, 'en');
    const english = await postForm(
      admin.agent,
      `${SETTINGS}/departments/new`,
      `${SETTINGS}/departments/new`,
      {
        nameEl: 'x'.repeat(201),
        nameEn: 'Roads',
        slug: 'a'.repeat(61),
        email: `${'a'.repeat(250)}@example.gov.gr`,
      },
    );
    expect(english.status).toBe(400);
    const $en = cheerio.load(english.text);
    expect($en('#nameEl-error').text()).toContain(
      'The name in Greek must be 200 characters or fewer',
    );
    expect($en('#slug-error').text()).toContain('at most 60');
    expect($en('#email-error').text()).toContain('leave it empty');
    await inLang(admin.agent, 'el');
    // Arrays, a huge body and a missing body: each a 400 at the fields.
    const _csrf = await csrfFrom(admin.agent, `${SETTINGS}/departments/new`);
    const arrays = await admin.agent
      .post(`${SETTINGS}/departments/new`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(_csrf)}&nameEl=a&nameEl=b&slug[]=x&email=`);
    expect(arrays.status).toBe(400);
    const huge = await admin.agent
      .post(`${SETTINGS}/departments/new`)
      .type('form')
      .send({ _csrf, nameEl: 'α'.repeat(5000), nameEn: 'b', slug: 'c', email: '' });
    expect(huge.status).toBe(400);
    expect(cheerio.load(huge.text)('#nameEl-error').text()).toContain(
      'Το όνομα στα ελληνικά είναι έως 200 χαρακτήρες',
    );
    // Past the body limit the app answers 413 before any route: still no 500.
    const tooBig = await admin.agent
      .post(`${SETTINGS}/departments/new`)
      .type('form')
      .send({ _csrf, nameEl: 'α'.repeat(50_000) });
    expect(tooBig.status).toBe(413);
    const bare = await admin.agent.post(`${SETTINGS}/departments/new`).type('form').send({ _csrf });
    expect(bare.status).toBe(400);
    const noCsrf = await admin.agent
      .post(`${SETTINGS}/departments/new`)
      .type('form')
      .send({ nameEl: 'Α', nameEn: 'A', slug: 'no-token', email: '' });
    expect(noCsrf.status).toBe(403);
    expect(await dept('no-token')).toBeUndefined();
  });

  it('names the field in each message of an empty form, in the summary and at the field', async () => {
    for (const [lang, expected] of [
      [
        'el',
        {
          nameEl: 'Συμπληρώστε το όνομα στα ελληνικά',
          nameEn: 'Συμπληρώστε το όνομα στα αγγλικά',
          slug: 'Συμπληρώστε το σύντομο όνομα',
        },
      ],
      [
        'en',
        {
          nameEl: 'Enter the name in Greek',
          nameEn: 'Enter the name in English',
          slug: 'Enter the short name',
        },
      ],
    ] as const) {
      await inLang(admin.agent, lang);
      const res = await postForm(
        admin.agent,
        `${SETTINGS}/departments/new`,
        `${SETTINGS}/departments/new`,
        { nameEl: '', nameEn: '', slug: '', email: '' },
      );
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      const summary = $('.govuk-error-summary__list a')
        .map((_i, a) => [[$(a).attr('href'), $(a).text().trim()]])
        .get() as unknown as [string, string][];
      expect(Object.fromEntries(summary)).toEqual({
        '#nameEl': expected.nameEl,
        '#nameEn': expected.nameEn,
        '#slug': expected.slug,
      });
      for (const [field, text] of Object.entries(expected))
        expect($(`#${field}-error`).text(), field).toContain(text);
    }
    await inLang(admin.agent, 'el');
    const format = await postForm(
      admin.agent,
      `${SETTINGS}/departments/new`,
      `${SETTINGS}/departments/new`,
      { nameEl: 'Α', nameEn: 'A', slug: 'Κακό', email: '' },
    );
    expect(cheerio.load(format.text)('#slug-error').text()).toContain('Το σύντομο όνομα');
  });

  it('adds and edits a department, audited; a slug in use is a message at the field', async () => {
    const created = await postForm(
      admin.agent,
      `${SETTINGS}/departments/new`,
      `${SETTINGS}/departments/new`,
      {
        nameEl: 'Τμήμα Ύδρευσης',
        nameEn: 'Water Supply',
        slug: 'water',
        email: ' Ydreusi@Example.gov.gr ',
      },
    );
    expect(created.status).toBe(303);
    const water = (await dept('water'))!;
    expect(water).toMatchObject({
      name: { el: 'Τμήμα Ύδρευσης', en: 'Water Supply' },
      email: 'ydreusi@example.gov.gr',
    });
    expect(created.headers.location).toBe(`${SETTINGS}/departments/${water.id}`);
    expect((await audits('request_department.created')).at(-1)).toMatchObject({
      actor_id: admin.id,
      entity_id: water.id,
    });
    const list = await page(admin.agent, SETTINGS);
    expect(list.$(`a[href="${SETTINGS}/departments/${water.id}"]`).text()).toBe('Τμήμα Ύδρευσης');

    const href = `${SETTINGS}/departments/${water.id}`;
    const taken = await postForm(admin.agent, href, href, {
      nameEl: 'Τμήμα Ύδρευσης',
      nameEn: 'Water Supply',
      slug: 'technical',
      email: '',
    });
    expect(taken.status).toBe(400);
    expect(cheerio.load(taken.text)('#slug-error').text()).toContain('το έχει ήδη');
    expect((await dept('water'))!.slug).toBe('water');

    const edited = await postForm(admin.agent, href, href, {
      nameEl: 'Τμήμα Ύδρευσης και Αποχέτευσης',
      nameEn: 'Water and Sewerage',
      slug: 'water-sewerage',
      email: '',
    });
    expect(edited.status).toBe(303);
    expect(await dept('water-sewerage')).toMatchObject({ id: water.id, email: null });
    const audit = (await audits('request_department.updated')).at(-1) as {
      details: { changes: Record<string, { before: unknown; after: unknown }> };
    };
    expect(audit.details.changes.slug).toEqual({ before: 'water', after: 'water-sewerage' });
    expect((await admin.agent.get(`${SETTINGS}/departments/999999`)).status).toBe(404);
    expect((await admin.agent.get(`${SETTINGS}/departments/abc`)).status).toBe(404);
  });

  it('adds handlers from the staff who have the handler role, and takes them out, audited', async () => {
    const water = (await dept('water-sewerage'))!;
    const href = `${SETTINGS}/departments/${water.id}`;
    const { $ } = await page(admin.agent, href);
    const offered = $('#user option')
      .map((_i, o) => $(o).attr('value'))
      .get();
    expect(offered).toContain(String(handler.id));
    expect(offered).toContain(String(adminHandler.id));
    expect(offered).not.toContain(String(admin.id));
    expect(offered).not.toContain(String(clerkId));

    const clerk = await postForm(admin.agent, href, `${href}/handlers`, { user: String(clerkId) });
    expect(clerk.status).toBe(400);
    expect(cheerio.load(clerk.text)('#user-error').text()).toContain('χειριστή αιτημάτων');
    const junk = await postForm(admin.agent, href, `${href}/handlers`, { user: '1e3' });
    expect(junk.status).toBe(400);

    const added = await postForm(admin.agent, href, `${href}/handlers`, {
      user: String(handler.id),
    });
    expect(added.status).toBe(303);
    expect(
      await ctx.db('department_handlers').where({ department_id: water.id, user_id: handler.id }),
    ).toHaveLength(1);
    expect((await audits('request_department.handler_added')).at(-1)).toMatchObject({
      user_id: handler.id,
      actor_id: admin.id,
      entity_id: water.id,
    });
    const twice = await postForm(admin.agent, href, `${href}/handlers`, {
      user: String(handler.id),
    });
    expect(twice.status).toBe(400);
    expect(cheerio.load(twice.text)('#user-error').text()).toContain('ανήκει ήδη');
    const after = await page(admin.agent, href);
    expect(
      after
        .$('#user option')
        .map((_i, o) => after.$(o).attr('value'))
        .get(),
    ).not.toContain(String(handler.id));
    // The handler now sees the department's queue.
    const queue = await page(handler.agent, '/staff/requests');
    expect(queue.$('#department').text()).toContain('Τμήμα Ύδρευσης και Αποχέτευσης');

    await postForm(admin.agent, href, `${href}/handlers`, { user: String(adminHandler.id) });
    const removed = await postForm(
      admin.agent,
      href,
      `${href}/handlers/${adminHandler.id}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    expect(
      await ctx
        .db('department_handlers')
        .where({ department_id: water.id, user_id: adminHandler.id }),
    ).toHaveLength(0);
    expect((await audits('request_department.handler_removed')).at(-1)).toMatchObject({
      user_id: adminHandler.id,
    });
    const again = await postForm(
      admin.agent,
      href,
      `${href}/handlers/${adminHandler.id}/remove`,
      {},
    );
    expect(again.status).toBe(404);
  });

  it('deletes a department only when no category or request uses it', async () => {
    const technical = (await dept('technical'))!;
    const href = `${SETTINGS}/departments/${technical.id}`;
    const { $ } = await page(admin.agent, href);
    expect($('#delete').next('p').text()).toMatch(/κατηγορίες/);
    expect($(`a[href="${href}/delete"]`).length).toBe(0);
    const refused = await postForm(admin.agent, href, `${href}/delete`, { confirm: 'yes' });
    expect(refused.status).toBe(409);
    expect(cheerio.load(refused.text)('#delete-error').text()).toContain('δεν διαγράφεται');
    expect(await dept('technical')).toBeDefined();

    const empty = await postForm(
      admin.agent,
      `${SETTINGS}/departments/new`,
      `${SETTINGS}/departments/new`,
      {
        nameEl: 'Προσωρινό',
        nameEn: 'Temporary',
        slug: 'temporary',
        email: '',
      },
    );
    expect(empty.status).toBe(303);
    const temp = (await dept('temporary'))!;
    const tempHref = `${SETTINGS}/departments/${temp.id}`;
    await postForm(admin.agent, tempHref, `${tempHref}/handlers`, { user: String(handler.id) });
    const confirm = await page(admin.agent, `${tempHref}/delete`);
    expect(confirm.$(`form[action="${tempHref}/delete"] input[name="confirm"]`).val()).toBe('yes');
    // Without the confirmation the form only leads to it.
    const unconfirmed = await postForm(admin.agent, tempHref, `${tempHref}/delete`, {});
    expect(unconfirmed.headers.location).toBe(`${tempHref}/delete`);
    expect(await dept('temporary')).toBeDefined();
    const deleted = await postForm(admin.agent, `${tempHref}/delete`, `${tempHref}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(await dept('temporary')).toBeUndefined();
    expect(await ctx.db('department_handlers').where({ department_id: temp.id })).toHaveLength(0);
    expect((await audits('request_department.deleted')).at(-1)).toMatchObject({
      entity_id: temp.id,
    });
  });
});

describe('the starting list', () => {
  it('is loaded once: a department an admin renamed does not come back at the next start', async () => {
    const cleaning = (await dept('cleaning'))!;
    await ctx.db('departments').where({ id: cleaning.id }).update({ slug: 'cleanliness' });
    const before = (await ctx.db('departments').count('* as n').first()) as { n: string };
    await seedRequestCategories(ctx.db);
    expect(await dept('cleaning')).toBeUndefined();
    expect(await ctx.db('departments').count('* as n').first()).toEqual(before);
    await ctx.db('departments').where({ id: cleaning.id }).update({ slug: 'cleaning' });
  });
});

describe('categories', () => {
  const newForm = async (fields: Record<string, string>) =>
    postForm(admin.agent, `${SETTINGS}/categories/new`, `${SETTINGS}/categories/new`, fields);
  const valid = async () => ({
    nameEl: 'Διαρροή νερού',
    nameEn: 'Water leak',
    slug: 'water-leak',
    group: 'roads',
    department: String((await dept('water-sewerage'))!.id),
    deadlineDays: '3',
    mayBePublic: 'yes',
    active: 'yes',
    position: '4',
  });

  it('lists every category under its group, inactive ones marked', async () => {
    const { $ } = await page(admin.agent, `${SETTINGS}/categories`);
    expect($('tbody#group-roads tr[data-category="pothole"]').length).toBe(1);
    expect($('tbody#group-roads th[scope="rowgroup"]').text()).toContain('Οδοποιία');
    expect($('tbody#group-cleaning tr[data-category="pothole"]').length).toBe(0);
    expect($('tr[data-category="pothole"]').text()).toContain('Διεύθυνση Τεχνικών Υπηρεσιών');
    expect($('tr[data-category="pothole"]').text()).toContain('10 εργάσιμες');
  });

  it('shows every group in one table, so the columns line up, with where the public list puts each', async () => {
    await ctx
      .db('request_categories')
      .where({ slug: 'pothole' })
      .update({ public_location: 'street' });
    try {
      for (const [lang, header, street, exact] of [
        ['el', 'Θέση στη δημόσια λίστα', 'Μόνο ο δρόμος ή η περιοχή', 'Το ακριβές σημείο'],
        ['en', 'Place on the public list', 'Only the street or area', 'The exact point'],
      ] as const) {
        await inLang(admin.agent, lang);
        const { $ } = await page(admin.agent, `${SETTINGS}/categories`);
        expect($('main table')).toHaveLength(1);
        const headers = $('thead th')
          .map((_i, th) => $(th).text().trim())
          .get();
        expect(headers).toContain(header);
        // Every row of every group has one cell per column, the one in question under its header.
        const rows = $('tbody tr[data-category]');
        expect(rows.length).toBeGreaterThan(5);
        rows.each((_i, tr) => expect($(tr).children('td')).toHaveLength(headers.length));
        const column = headers.indexOf(header);
        const cell = (slug: string) =>
          $(`tr[data-category="${slug}"]`).children('td').eq(column).text().trim();
        expect(cell('pothole')).toContain(street);
        expect(cell('light-out')).toContain(exact);
        expect($(`tr[data-category="pothole"] td[data-label="${header}"]`)).toHaveLength(1);
      }
    } finally {
      await inLang(admin.agent, 'el');
      await ctx
        .db('request_categories')
        .where({ slug: 'pothole' })
        .update({ public_location: 'exact' });
    }
  });

  it('uses one example short name in both languages', async () => {
    const hints: string[] = [];
    for (const lang of ['el', 'en'] as const) {
      await inLang(admin.agent, lang);
      const { $ } = await page(admin.agent, `${SETTINGS}/departments/new`);
      // The example ends the hint.
      hints.push(/[a-z0-9]+(?:-[a-z0-9]+)+(?=\W*$)/.exec($('#slug-hint').text().trim())?.[0] ?? '');
    }
    await inLang(admin.agent, 'el');
    expect(hints[0]).not.toBe('');
    expect(hints[1]).toBe(hints[0]);
  });

  it('refuses bad values at their fields, in both languages, never with a 500', async () => {
    const bad = await newForm({
      nameEl: '',
      nameEn: '',
      slug: '-x-',
      group: 'weather',
      department: 'abc',
      deadlineDays: '0',
      position: '-1',
    });
    expect(bad.status).toBe(400);
    const $ = cheerio.load(bad.text);
    for (const field of [
      'nameEl',
      'nameEn',
      'slug',
      'group',
      'department',
      'deadlineDays',
      'position',
    ])
      expect($(`#${field}-error`).length, field).toBe(1);
    expect($('#deadlineDays-error').text()).toContain('1 έως 365');
    expect($('#group').val()).toBe('');
    for (const deadlineDays of ['366', 'δέκα', '1.5', '99999999999999999999', ' ']) {
      const res = await newForm({ ...(await valid()), deadlineDays });
      expect(res.status, deadlineDays).toBe(400);
      expect(cheerio.load(res.text)('#deadlineDays-error').length, deadlineDays).toBe(1);
    }
    await inLang(admin.agent, 'en');
    const english = await newForm({ ...(await valid()), deadlineDays: '400', group: '' });
    expect(cheerio.load(english.text)('#deadlineDays-error').text()).toContain('from 1 to 365');
    expect(cheerio.load(english.text)('#group-error').text()).toContain('Choose a group');
    await inLang(admin.agent, 'el');
    // A department that does not exist is caught by the database's foreign key.
    const ghost = await newForm({ ...(await valid()), department: '999999' });
    expect(ghost.status).toBe(400);
    expect(cheerio.load(ghost.text)('#department-error').text()).toContain('υπηρεσία');
    const _csrf = await csrfFrom(admin.agent, `${SETTINGS}/categories/new`);
    const arrays = await admin.agent
      .post(`${SETTINGS}/categories/new`)
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(_csrf)}&deadlineDays=3&deadlineDays=4&group[a]=roads&active=yes&active=yes`,
      );
    expect(arrays.status).toBe(400);
    expect(await categoryRow('water-leak')).toBeUndefined();
  });

  it('names the field in every message of an empty form, each message once', async () => {
    for (const [lang, nameEl] of [
      ['el', 'Συμπληρώστε το όνομα στα ελληνικά'],
      ['en', 'Enter the name in Greek'],
    ] as const) {
      await inLang(admin.agent, lang);
      const res = await newForm({
        nameEl: '',
        nameEn: '',
        slug: '',
        group: '',
        department: '',
        deadlineDays: '',
        position: '',
      });
      expect(res.status).toBe(400);
      const $ = cheerio.load(res.text);
      const texts = $('.govuk-error-summary__list a')
        .map((_i, a) => $(a).text().trim())
        .get();
      expect(texts).toHaveLength(7);
      expect(new Set(texts).size, texts.join(' | ')).toBe(texts.length);
      expect(texts).toContain(nameEl);
      for (const text of texts) expect(text).not.toMatch(/αυτό το πεδίο|this field/);
    }
    await inLang(admin.agent, 'el');
  });

  it('adds a category citizens can choose, and a taken slug is a message at its field', async () => {
    const taken = await newForm({ ...(await valid()), slug: 'pothole' });
    expect(taken.status).toBe(400);
    expect(cheerio.load(taken.text)('#slug-error').text()).toContain('το έχει ήδη');
    const created = await newForm(await valid());
    expect(created.status).toBe(303);
    const leak = (await categoryRow('water-leak'))!;
    expect(leak).toMatchObject({
      deadline_days: 3,
      may_be_public: true,
      active: true,
      group_key: 'roads',
      position: 4,
    });
    expect(created.headers.location).toBe(`${SETTINGS}/categories/${leak.id}`);
    expect((await audits('request_category.created')).at(-1)).toMatchObject({
      entity_id: leak.id,
      actor_id: admin.id,
    });
    const form = await page(maria, '/requests/new');
    expect(form.$(`#category option[value="${leak.id}"]`).text()).toBe('Διαρροή νερού');
  });

  it('deactivating hides a category from new requests, and its old requests stay as they were', async () => {
    const leak = (await categoryRow('water-leak'))!;
    const filed = await file(maria, leak.id, 'Τρέχει νερό στον δρόμο');
    expect(filed.status).toBe(303);
    const request = (await ctx.db('requests').where({ category_id: leak.id }).first()) as {
      year: number;
      number: number;
      department_id: number;
      due_date: string;
    };
    const href = `${SETTINGS}/categories/${leak.id}`;
    const { $ } = await page(admin.agent, href);
    expect($('#active').attr('checked')).toBeDefined();
    const fields = { ...(await valid()), deadlineDays: '20', group: 'other' };
    delete (fields as Partial<typeof fields>).active;
    delete (fields as Partial<typeof fields>).mayBePublic;
    const saved = await postForm(admin.agent, href, href, fields);
    expect(saved.status).toBe(303);
    expect(await categoryRow('water-leak')).toMatchObject({
      active: false,
      may_be_public: false,
      deadline_days: 20,
      group_key: 'other',
    });
    const audit = (await audits('request_category.updated')).at(-1) as {
      details: { changes: Record<string, unknown> };
    };
    expect(Object.keys(audit.details.changes).sort()).toEqual(
      ['active', 'deadline_days', 'group_key', 'may_be_public'].sort(),
    );
    const list = await page(admin.agent, `${SETTINGS}/categories`);
    expect(list.$('tr[data-category="water-leak"] .govuk-tag--grey').text()).toBe('Ανενεργή');
    // Citizens are no longer offered it, and cannot file under it by hand.
    const form = await page(maria, '/requests/new');
    expect(form.$(`#category option[value="${leak.id}"]`).length).toBe(0);
    const step1 = await postForm(maria, '/requests/new', '/requests/new', {
      address: 'Οδός Κουντούρου 9',
      lat: '',
      lng: '',
      category: String(leak.id),
    });
    expect(step1.status).toBe(400);
    // The old request keeps its category, department and deadline, and still opens.
    const after = (await ctx
      .db('requests')
      .where({ category_id: leak.id })
      .first()) as typeof request;
    expect(after).toEqual(request);
    const ref = `${request.year}-${String(request.number).padStart(6, '0')}`;
    expect((await maria.get(`/requests/${ref}`)).status).toBe(200);
    expect((await handler.agent.get(`/staff/requests/${ref}`)).status).toBe(200);
    expect((await admin.agent.get(`${SETTINGS}/categories/999999`)).status).toBe(404);
  });
});

/** Files a request through the citizen's forms; the last step's response. */
async function file(agent: Agent, categoryId: number, title: string) {
  const step1 = await postForm(agent, '/requests/new', '/requests/new', {
    address: 'Πλατεία Βενιζέλου',
    lat: '',
    lng: '',
    category: String(categoryId),
  });
  expect(step1.status).toBe(303);
  await agent.get('/requests/new/similar');
  return postForm(agent, '/requests/new/details', '/requests/new/details', {
    kind: 'request',
    title,
    description: 'Από χθες το απόγευμα.',
  });
}

describe('a handler’s own notifications', () => {
  it('lists only their departments, and refuses a choice that is not one (both languages)', async () => {
    const { $ } = await page(handler.agent, PREFERENCES);
    const legends = $('legend')
      .map((_i, l) => $(l).text())
      .get();
    expect(legends).toEqual(['Τμήμα Ύδρευσης και Αποχέτευσης']);
    const water = (await dept('water-sewerage'))!;
    const field = `department-${water.id}`;
    expect($(`#${field}`).attr('checked')).toBeDefined();
    const wrong = await postForm(handler.agent, PREFERENCES, PREFERENCES, { [field]: 'hourly' });
    expect(wrong.status).toBe(400);
    expect(cheerio.load(wrong.text)(`#${field}-error`).text()).toContain('επιλέξτε πώς');
    await inLang(handler.agent, 'en');
    const _csrf = await csrfFrom(handler.agent, PREFERENCES);
    const arrays = await handler.agent
      .post(PREFERENCES)
      .type('form')
      .send(`_csrf=${encodeURIComponent(_csrf)}&${field}=digest&${field}=each`);
    expect(arrays.status).toBe(400);
    expect(cheerio.load(arrays.text)(`#${field}-error`).text()).toContain('choose how');
    await inLang(handler.agent, 'el');
    // Another department's field is ignored: a handler changes only their own memberships.
    const technical = (await dept('technical'))!;
    await postForm(handler.agent, PREFERENCES, PREFERENCES, {
      [field]: 'each',
      [`department-${technical.id}`]: 'digest',
    });
    expect(
      await ctx
        .db('department_handlers')
        .where({ department_id: technical.id, user_id: handler.id }),
    ).toHaveLength(0);
  });

  it('a daily digest instead of a mail per request: set on the page, sent by the job the next morning', async () => {
    const water = (await dept('water-sewerage'))!;
    const field = `department-${water.id}`;
    const saved = await postForm(handler.agent, PREFERENCES, PREFERENCES, { [field]: 'digest' });
    expect(saved.status).toBe(303);
    const shown = await page(handler.agent, PREFERENCES);
    expect(shown.$(`#${field}-digest`).attr('checked')).toBeDefined();
    expect(shown.$('.govuk-notification-banner').text()).toContain('αποθηκεύτηκαν');
    expect((await audits('request_handler.notifications_changed')).at(-1)).toMatchObject({
      user_id: handler.id,
      actor_id: handler.id,
    });
    // A second handler of the department keeps a mail per request.
    const other = await signedInStaff(ctx.app, ctx.db, ['handler']);
    await ctx.db('department_handlers').insert({ department_id: water.id, user_id: other.id });

    // A live category of the department, then a request filed in it.
    const leak = (await categoryRow('water-leak'))!;
    await ctx.db('request_categories').where({ id: leak.id }).update({ active: true });
    await drainMail(ctx.deps);
    const filed = await file(maria, leak.id, 'Σπασμένος σωλήνας');
    expect(filed.status).toBe(303);
    const atOnce = (await drainMail(ctx.deps)).filter((m) =>
      m.subject.includes('Σπασμένος σωλήνας'),
    );
    const handlerMail = (username: string) => `${username}@example.gov.gr`;
    expect(atOnce.map((m) => m.to)).toContain(handlerMail(other.username));
    expect(atOnce.map((m) => m.to)).not.toContain(handlerMail(handler.username));

    const request = (await ctx.db('requests').where({ title: 'Σπασμένος σωλήνας' }).first()) as {
      year: number;
      number: number;
      created_at: Date;
    };
    now = new Date(request.created_at.getTime() + 24 * 60 * 60 * 1000);
    expect(await sendHandlerDigests(ctx.deps)).toBeGreaterThanOrEqual(1);
    now = new Date(); // Sessions live by the clock too: back to today.
    const digests = (await drainMail(ctx.deps)).filter(
      (m) => m.to === handlerMail(handler.username),
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text).toContain(
      `/staff/requests/${request.year}-${String(request.number).padStart(6, '0')}`,
    );
    expect(digests[0]!.text).toContain('Σπασμένος σωλήνας');
    // Back to a mail per request: the next one reaches them at once.
    await postForm(handler.agent, PREFERENCES, PREFERENCES, { [field]: 'each' });
    expect(
      await ctx
        .db('department_handlers')
        .where({ department_id: water.id, user_id: handler.id })
        .first('daily_digest'),
    ).toEqual({ daily_digest: false });
  });
});

describe('the pages in a browser (axe, Greek and English)', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      const [row] = (await live
        .db('users')
        .insert({
          username: 'settings.both',
          full_name: 'Ελένη Διαχειρίστρια',
          email: 'settings.both@example.gov.gr',
          password_hash: await hashSecret(STAFF_PASSWORD),
          status: 'active',
          roles: ['admin', 'handler'],
          activated_at: new Date(),
        })
        .returning('id')) as { id: number }[];
      const departments = (await live.db('departments').pluck('id')) as number[];
      await live
        .db('department_handlers')
        .insert(departments.slice(0, 2).map((id) => ({ department_id: id, user_id: row!.id })));
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Signs the admin-and-handler in on a fresh browser context. */
  async function signedInTab() {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${server.baseUrl}/login`);
    await tab.fill('#login', 'settings.both');
    await tab.fill('#password', STAFF_PASSWORD);
    await tab.click('form[action="/login"] button[type="submit"]');
    await tab.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { context, tab };
  }

  // axe takes seconds a page on a busy two-core machine: each language is a test of its own.
  for (const lang of ['el', 'en'] as const)
    it(`passes axe on every page, with and without errors (${lang})`, async () => {
      const { context, tab } = await signedInTab();
      const technical = (await server
        .db('departments')
        .where({ slug: 'technical' })
        .first('id')) as {
        id: number;
      };
      const pothole = (await server
        .db('request_categories')
        .where({ slug: 'pothole' })
        .first('id')) as { id: number };
      for (const path of [
        SETTINGS,
        `${SETTINGS}/categories`,
        `${SETTINGS}/departments/${technical.id}`,
        `${SETTINGS}/categories/${pothole.id}`,
        PREFERENCES,
      ]) {
        await tab.goto(`${server.baseUrl}${path}?lang=${lang}`);
        await expectAccessible(tab);
      }
      for (const path of [`${SETTINGS}/departments/new`, `${SETTINGS}/categories/new`]) {
        await tab.goto(`${server.baseUrl}${path}?lang=${lang}`);
        await tab.fill('#slug', 'Όχι σωστό');
        await tab.click(`form[action="${path}"] button[type="submit"]`);
        await tab.waitForSelector('.govuk-error-summary');
        expect(await tab.textContent('#slug-error')).toBeTruthy();
        await expectAccessible(tab);
      }
      await context.close();
    }, 300_000);
});

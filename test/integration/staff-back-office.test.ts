import * as cheerio from 'cheerio';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/features/index.ts';
import { auditActionsOf } from '../../src/features/registry.ts';

const AUDIT_ACTIONS = auditActionsOf(MODULES);
import { csrfFrom, createActiveUser, type Agent } from '../helpers/accounts.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let staff: Agent;
let categoryId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  staff = (await signedInStaff(ctx.app, ctx.db, ['editor', 'clerk', 'admin'])).agent;
  categoryId = (
    (await ctx.db('decision_categories').first('id')) as {
      id: number;
    }
  ).id;
});
afterAll(() => ctx.close());

async function insertDecision(
  values: { number: number | null; subject: string; status?: 'draft' | 'published' },
  year = 2026,
): Promise<number> {
  const [row] = (await ctx
    .db('decisions')
    .insert({
      number: values.number,
      year,
      meeting_date: `${year}-03-02`,
      category_id: categoryId,
      subject: values.subject,
      summary: '',
      ada: null,
      status: values.status ?? 'published',
      published_at: values.status === 'draft' ? null : new Date(),
    })
    .returning('id')) as { id: number }[];
  return row!.id;
}

const VALID_TYPES = new Set(['text', 'email', 'tel', 'password', 'search', 'hidden', 'file']);

describe('input types (the partial takes inputType: a page local named `type` cannot leak in)', () => {
  it('every input of the benefits and health editors has a valid type, and the phone is tel', async () => {
    const pages = [
      (await staff.get('/staff/benefits/new')).text,
      (await staff.get('/staff/health/new')).text,
      // A refused form renders again with what was typed.
      (
        await staff
          .post('/staff/health/new')
          .type('form')
          .send({
            _csrf: await csrfFrom(staff, '/staff/health/new'),
            action: 'save',
            phone: '2810 123456',
          })
      ).text,
    ];
    for (const html of pages) {
      const $ = cheerio.load(html);
      const types = $('input')
        .map((_i, el) => $(el).attr('type'))
        .get();
      expect(types.length).toBeGreaterThan(3);
      for (const type of types) expect(VALID_TYPES, String(type)).toContain(type);
      expect(html).not.toContain('[object Object]');
    }
    expect(cheerio.load(pages[1]!)('#phone').attr('type')).toBe('tel');
    expect(cheerio.load(pages[2]!)('#phone').attr('type')).toBe('tel');
    expect(cheerio.load(pages[2]!)('#phone').val()).toBe('2810 123456');
  });

  it('keeps email, tel and password where the other forms ask for them', async () => {
    const citizen = await createActiveUser(ctx.db, 'types');
    const record = cheerio.load((await staff.get(`/staff/citizens/${citizen.id}`)).text);
    expect(record('#phone').attr('type')).toBe('tel');
    expect(record('#email').attr('type')).toBe('email');
    expect(
      cheerio
        .load((await staff.get('/staff/users/new')).text)('#email')
        .attr('type'),
    ).toBe('email');
    const register = cheerio.load((await request(ctx.app).get('/register')).text);
    expect(register('#phone').attr('type')).toBe('tel');
    expect(register('#email').attr('type')).toBe('email');
    expect(register('#password').attr('type')).toBe('password');
    expect(
      cheerio
        .load((await request(ctx.app).get('/login')).text)('#password')
        .attr('type'),
    ).toBe('password');
  });

  it('no view passes the old `type` parameter to the input partial', async () => {
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(file);
        else if (entry.name.endsWith('.ejs'))
          for (const line of (await readFile(file, 'utf8')).split('\n'))
            if (/include\('\/partials\/input',[^)]*[{,]\s*type:/.test(line))
              offenders.push(`${file}: ${line.trim()}`);
      }
    };
    await walk(path.resolve('views'));
    await walk(path.resolve('src/features'));
    expect(offenders).toEqual([]);
  });
});

describe('unpublishing a live decision asks first', () => {
  it('the decision page links to a confirmation page; only its POST unpublishes', async () => {
    const id = await insertDecision({ number: 401, subject: 'Απόφαση που μένει δημοσιευμένη' });
    const edit = cheerio.load((await staff.get(`/staff/decisions/${id}`)).text);
    expect(edit(`form[action="/staff/decisions/${id}/unpublish"]`).length).toBe(0);
    expect(edit(`a[href="/staff/decisions/${id}/unpublish"]`).text()).toContain('Απόσυρση');

    // A POST without the confirmation (the old one-click form) only leads to the question.
    const oneClick = await staff
      .post(`/staff/decisions/${id}/unpublish`)
      .type('form')
      .send({ _csrf: await csrfFrom(staff, `/staff/decisions/${id}`) });
    expect(oneClick.status).toBe(303);
    expect(oneClick.headers.location).toBe(`/staff/decisions/${id}/unpublish`);
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(200);

    const confirm = await staff.get(`/staff/decisions/${id}/unpublish`);
    expect(confirm.status).toBe(200);
    const $ = cheerio.load(confirm.text);
    expect($('h1').text()).toContain('Απόσυρση της απόφασης');
    expect($('main').text()).toContain('Απόφαση που μένει δημοσιευμένη');
    expect($('main').text()).toContain('401/2026');
    expect($(`main a[href="/staff/decisions/${id}"]`).length).toBeGreaterThan(0);
    const form = $(`form[action="/staff/decisions/${id}/unpublish"]`);
    expect(form.find('input[name="confirm"]').val()).toBe('yes');
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(200);

    const yes = await staff
      .post(`/staff/decisions/${id}/unpublish`)
      .type('form')
      .send({ _csrf: await csrfFrom(staff, `/staff/decisions/${id}/unpublish`), confirm: 'yes' });
    expect(yes.status).toBe(303);
    expect(yes.headers.location).toBe(`/staff/decisions/${id}`);
    expect((await request(ctx.app).get(`/decisions/${id}`)).status).toBe(404);
    // A draft has nothing to unpublish: the question page sends back to the decision.
    expect((await staff.get(`/staff/decisions/${id}/unpublish`)).headers.location).toBe(
      `/staff/decisions/${id}`,
    );
  });
});

describe("the editors' decision list has a search", () => {
  const listed = async (query: Record<string, string>) => {
    const $ = cheerio.load(
      (await staff.get(`/staff/decisions?${new URLSearchParams(query).toString()}`)).text,
    );
    return {
      $,
      subjects: $('tbody tr td:nth-child(2)')
        .map((_i, el) => $(el).text().trim())
        .get(),
    };
  };

  it('finds by number (with or without the year) and by words of the subject, accents aside', async () => {
    await insertDecision({ number: 512, subject: 'Ανάπλαση της πλατείας Ελευθερίας' });
    await insertDecision({ number: 512, subject: 'Προμήθεια καυσίμων' }, 2025);
    await insertDecision({ number: 77, subject: 'Έγκριση πρακτικού', status: 'draft' });

    expect((await listed({ q: '512/2026' })).subjects).toEqual([
      'Ανάπλαση της πλατείας Ελευθερίας',
    ]);
    expect((await listed({ q: '512' })).subjects.sort()).toEqual([
      'Ανάπλαση της πλατείας Ελευθερίας',
      'Προμήθεια καυσίμων',
    ]);
    expect((await listed({ q: 'αναπλαση πλατειας' })).subjects).toEqual([
      'Ανάπλαση της πλατείας Ελευθερίας',
    ]);
    expect((await listed({ q: 'ΠΡΑΚΤΙΚΟΥ', status: 'published' })).subjects).toEqual([]);
    expect((await listed({ q: 'ΠΡΑΚΤΙΚΟΥ', status: 'draft' })).subjects).toEqual([
      'Έγκριση πρακτικού',
    ]);
    expect((await listed({ q: '100%' })).subjects).toEqual([]);
    const { $ } = await listed({ q: 'αναπλαση' });
    expect($('#q').val()).toBe('αναπλαση');
    expect($('#results-count').text()).toContain('1 απόφαση');
  });

  it('pages through the matches, keeping the search in the page links', async () => {
    for (let i = 1; i <= 53; i += 1)
      await insertDecision({ number: 1000 + i, subject: `Ρύθμιση οφειλών αρ. ${i}` }, 2024);
    const first = await listed({ q: 'ρυθμιση οφειλων' });
    expect(first.subjects).toHaveLength(50);
    expect(first.$('#results-count').text()).toContain('53 αποφάσεις');
    const next = first.$('.govuk-pagination__next a').attr('href')!;
    expect(new URL(next, 'http://x').searchParams.get('q')).toBe('ρυθμιση οφειλων');
    const second = cheerio.load((await staff.get(next)).text);
    expect(second('tbody tr')).toHaveLength(3);
  });
});

describe('the audit log', () => {
  it('offers only actions the code writes, each with its name in both languages', async () => {
    const offered = (html: string) => {
      const $ = cheerio.load(html);
      return $('#action option')
        .map((_i, el) => ({ value: $(el).attr('value'), text: $(el).text() }))
        .get()
        .filter((o) => o.value);
    };
    const el = offered((await staff.get('/staff/audit?lang=el')).text);
    expect(el.map((o) => o.value)).toEqual([...AUDIT_ACTIONS]);
    // Decisions are not reordered; benefits and health pages are not imported from Diavgeia.
    for (const never of ['decision.reordered', 'benefit.imported', 'health_service.imported'])
      expect(el.map((o) => o.value)).not.toContain(never);
    for (const option of el) expect(option.text).not.toBe(option.value);
    const en = offered((await staff.get('/staff/audit?lang=en')).text);
    for (const option of en) expect(option.text).not.toBe(option.value);
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  it('stores and shows IPv4 clients as plain IPv4, old rows included', async () => {
    const id = await insertDecision({ number: 601, subject: 'Απόφαση για τη διεύθυνση' });
    const publish = await staff
      .post(`/staff/decisions/${id}/unpublish`)
      .set('X-Forwarded-For', '::ffff:203.0.113.7')
      .type('form')
      .send({ _csrf: await csrfFrom(staff, `/staff/decisions/${id}/unpublish`), confirm: 'yes' });
    expect(publish.status).toBe(303);
    const stored = (await ctx
      .db('audit_log')
      .where({ action: 'decision.unpublished', entity_id: id })
      .first('ip')) as { ip: string };
    expect(stored.ip).toBe('203.0.113.7');
    // A row written before the change.
    await ctx.db('audit_log').insert({ action: 'auth.signed_out', ip: '::ffff:198.51.100.4' });
    const $ = cheerio.load((await staff.get('/staff/audit?lang=el')).text);
    const addresses = $('tbody tr td:nth-child(5)')
      .map((_i, td) => $(td).text())
      .get();
    expect(addresses).toContain('198.51.100.4');
    expect(addresses).toContain('203.0.113.7');
    expect(addresses.join(' ')).not.toContain('::ffff:');
  });
});

describe('the staff layout', () => {
  it('puts the staff navigation once, above the breadcrumbs and the error summary', async () => {
    const citizen = await createActiveUser(ctx.db, 'layout');
    const page = `/staff/citizens/${citizen.id}`;
    const res = await staff
      .post(`${page}/verify`)
      .type('form')
      .send({ _csrf: await csrfFrom(staff, page), documentType: '' });
    expect(res.status).toBe(400);
    const html = res.text;
    const nav = html.indexOf('class="app-staff-nav"');
    expect(nav).toBeGreaterThan(0);
    expect(html.indexOf('class="app-staff-nav"', nav + 1)).toBe(-1);
    expect(nav).toBeLessThan(html.indexOf('class="govuk-breadcrumbs"'));
    expect(nav).toBeLessThan(html.indexOf('class="govuk-error-summary"'));
    // Every staff page has it, once.
    for (const p of ['/staff', '/staff/decisions', '/staff/audit', '/staff/benefits']) {
      const count = cheerio.load((await staff.get(p)).text)('.app-staff-nav').length;
      expect(count, p).toBe(1);
    }
  });
});

describe("the clerk's confirmation names only the services the check opens", () => {
  it('lists the e-services on offer that need an identity check', async () => {
    const withService = await createTestContext(
      {},
      {
        extraFeatures: [
          {
            router: Router(),
            hubEntry: {
              id: 'verified-test',
              href: '/verified-test',
              titleKey: 'services.health.title',
              descriptionKey: 'services.health.description',
              access: 'verified',
            },
          },
        ],
      },
    );
    try {
      const clerk = (await signedInStaff(withService.app, withService.db, ['clerk'])).agent;
      const citizen = await createActiveUser(withService.db, 'confirm');
      const page = `/staff/citizens/${citizen.id}`;
      const res = await clerk
        .post(`${page}/verify`)
        .type('form')
        .send({
          _csrf: await csrfFrom(clerk, page),
          documentType: 'identity_card',
          documentNumber: 'ΑΚ654321',
          afm: afmFrom('07654321'),
          present: 'yes',
        });
      expect(res.status).toBe(303);
      const notice = cheerio
        .load((await clerk.get(page)).text)('.govuk-notification-banner')
        .text();
      expect(notice).toContain(
        'Ανοίγουν τώρα για τον πολίτη: Δημοτικά τέλη και οφειλές, Πιστοποιητικά, Υγεία.',
      );
      expect(notice).not.toMatch(/Δημοτικός Φόρος|βιντεοκλήση/);
    } finally {
      await withService.close();
    }
  });
});

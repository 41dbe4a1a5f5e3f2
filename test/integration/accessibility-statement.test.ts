import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityModule } from '../../src/features/accessibility/accessibility.module.ts';
import { FEEDBACK_LIMIT } from '../../src/features/accessibility/feedback.service.ts';
import {
  createActiveUser,
  drainMail,
  newAgent,
  postForm,
  type Agent,
} from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const DAY = 86_400_000;
const CONTACT = 'info@example.gov.gr';
let ctx: TestContext;
/** The app's clock: the real time unless a test fixes it. */
let fixedNow: Date | undefined;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => fixedNow ?? new Date() } });
});
afterAll(() => ctx.close());

const textOf = (html: string) => cheerio.load(html)('main').text().replace(/\s+/g, ' ');

/** Sends the feedback form as a browser would, from the form page. */
function sendFeedback(agent: Agent, fields: Record<string, string>, lang: 'el' | 'en' = 'el') {
  return postForm(agent, `/accessibility/feedback?lang=${lang}`, '/accessibility/feedback', {
    where: '',
    what: '',
    name: '',
    email: '',
    ...fields,
  });
}

describe('the accessibility statement', () => {
  const expected = {
    el: {
      title: 'Δήλωση προσβασιμότητας',
      texts: [
        'Δήμος Αγίου Νικολάου δεσμεύεται',
        'ν. 4727/2020',
        'συμμορφώνεται εν μέρει με το πρότυπο EN 301 549',
        'WCAG) 2.1 στο επίπεδο AA',
        'Μη συμμόρφωση με τη νομοθεσία',
        'Δυσανάλογη επιβάρυνση',
        'δεν εμπίπτει στο πεδίο εφαρμογής',
        'Διαύγεια',
        'Jitsi Meet',
        'χάρτες',
        'καταρτίστηκε στις 4 Δεκεμβρίου 2026',
        'αυτοαξιολόγηση',
        'axe',
        'html-validate',
        'ελέγχους με το χέρι',
        'επανεξετάστηκε τελευταία φορά στις 4 Δεκεμβρίου 2026',
        'Συνήγορο του Πολίτη',
        'Υπουργείο Ψηφιακής Διακυβέρνησης',
      ],
    },
    en: {
      title: 'Accessibility statement',
      texts: [
        'Municipality of Agios Nikolaos is committed',
        'Law 4727/2020',
        'partially compliant with EN 301 549',
        'WCAG) 2.1 at level AA',
        'Non-compliance with the accessibility legislation',
        'Disproportionate burden',
        'not within the scope of the applicable legislation',
        'Diavgeia',
        'Jitsi Meet',
        'maps',
        'prepared on 4 December 2026',
        'self-assessment',
        'axe',
        'html-validate',
        'manual checks',
        'last reviewed on 4 December 2026',
        'Greek Ombudsman (Συνήγορος του Πολίτη)',
        'Ministry of Digital Governance',
      ],
    },
  } as const;

  for (const lang of ['el', 'en'] as const)
    it(`has every section of the EU model in ${lang}`, async () => {
      const res = await request(ctx.app).get(`/accessibility?lang=${lang}`);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      expect($('h1').text()).toBe(expected[lang].title);
      for (const id of [
        'commitment',
        'compliance-status',
        'non-accessible-content',
        'non-compliance',
        'disproportionate-burden',
        'out-of-scope',
        'preparation',
        'feedback',
        'enforcement',
      ])
        expect($(`#${id}`).length, id).toBe(1);
      const text = textOf(res.text);
      for (const part of expected[lang].texts) expect(text, part).toContain(part);
      // The site it covers, the feedback form, the contact details and the Ombudsman.
      expect($(`main a[href="${ctx.deps.config.baseUrl}/"]`).length).toBe(1);
      expect($('main a[href="/accessibility/feedback"]').length).toBe(1);
      expect($(`main a[href="mailto:${CONTACT}"]`).length).toBe(1);
      expect(text).toContain(ctx.deps.config.CONTACT_PHONE);
      expect($('main a[href="https://www.synigoros.gr/"]').length).toBe(1);
    });

  it('is the same page for everyone: no session, no cookie', async () => {
    const before = (await ctx.db('session').count({ n: '*' }).first()) as { n: string };
    const res = await request(ctx.app).get('/accessibility');
    expect(res.headers['set-cookie']).toBeUndefined();
    const after = (await ctx.db('session').count({ n: '*' }).first()) as { n: string };
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('the feedback form', () => {
  it('shows the privacy notice before the button, with the days kept, in el and en', async () => {
    for (const [lang, parts] of [
      ['el', ['Ό,τι γράφετε για το πρόβλημα', 'ν. 4727/2020', '365 ημέρες', 'Κανείς εκτός δήμου']],
      ['en', ['What you write about the problem', 'Law 4727/2020', '365 days', 'Nobody outside']],
    ] as const) {
      const res = await newAgent(ctx.app).get(`/accessibility/feedback?lang=${lang}`);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      const form = $('form[action="/accessibility/feedback"]');
      const notice = form.find('details.privacy-notice');
      expect(notice.length).toBe(1);
      expect(notice.next().is('button[type="submit"]')).toBe(true);
      for (const part of parts) expect(notice.text(), part).toContain(part);
      expect(form.find('input[name="_csrf"]').length).toBe(1);
    }
  });

  it('refuses a form without its token', async () => {
    const res = await request(ctx.app)
      .post('/accessibility/feedback')
      .type('form')
      .send({ what: 'Χωρίς token' });
    expect(res.status).toBe(403);
    expect(await ctx.db('accessibility_feedback').where({ what: 'Χωρίς token' }).first()).toBe(
      undefined,
    );
  });

  it('shows an error summary and field errors in el and en, and keeps what was written', async () => {
    for (const [lang, messages] of [
      [
        'el',
        {
          what: 'Γράψτε τι συνέβη',
          email: 'Γράψτε μια διεύθυνση email σε σωστή μορφή',
          tooLong: 'έως 2000 χαρακτήρες',
          title: 'Υπάρχει πρόβλημα',
        },
      ],
      [
        'en',
        {
          what: 'Enter what happened',
          email: 'Enter an email address in the correct format',
          tooLong: '2000 characters or fewer',
          title: 'There is a problem',
        },
      ],
    ] as const) {
      const agent = newAgent(ctx.app);
      const empty = await sendFeedback(agent, { name: 'Ελένη', email: 'not-an-email' }, lang);
      expect(empty.status).toBe(400);
      const $ = cheerio.load(empty.text);
      expect($('.govuk-error-summary__title').text()).toBe(messages.title);
      const links = $('.govuk-error-summary__list a')
        .map((_i, a) => [[$(a).attr('href'), $(a).text()]])
        .get() as unknown as [string, string][];
      expect(links.map(([href]) => href)).toEqual(['#what', '#email']);
      expect(links[0]![1]).toBe(messages.what);
      expect(links[1]![1]).toContain(messages.email);
      expect($('#what-error').text()).toContain(messages.what);
      expect($('#email-error').text()).toContain(messages.email);
      expect($('#what').attr('aria-describedby')).toBe('what-hint what-error');
      expect($('#name').attr('value')).toBe('Ελένη');
      expect($('#email').attr('value')).toBe('not-an-email');

      const long = await sendFeedback(agent, { what: 'α'.repeat(2001) }, lang);
      expect(long.status).toBe(400);
      expect(cheerio.load(long.text)('#what-error').text()).toContain(messages.tooLong);
      expect(cheerio.load(long.text)('#what').text()).toBe('α'.repeat(2001));
    }
    // Line ends as the person sees them: 2000 characters over several lines fit.
    const lines = `${'β'.repeat(999)}\r\n${'γ'.repeat(1000)}`;
    const fits = await sendFeedback(newAgent(ctx.app), { what: lines });
    expect(fits.status).toBe(303);
    expect(await ctx.db('accessibility_feedback').count({ n: '*' }).first()).toEqual({ n: 1 });
    await ctx.db('accessibility_feedback').delete();
    await drainMail(ctx.deps);
  });
});

describe('a report reaches the staff', () => {
  it('is stored, mailed to the contact address and shown to admins only, who mark it answered', async () => {
    const visitor = newAgent(ctx.app);
    const sent = await sendFeedback(
      visitor,
      {
        where: '/decisions/12',
        what: 'Ο αναγνώστης οθόνης δεν διαβάζει το PDF.\nΤο άνοιξα με NVDA.',
        name: 'Ελένη Μαρκάκη',
        email: 'eleni@example.gr',
      },
      'en',
    );
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/accessibility/feedback/sent');
    const done = await visitor.get(sent.headers.location as string);
    expect(cheerio.load(done.text)('h1').text().trim()).toBe('Your report was sent');

    const row = (await ctx.db('accessibility_feedback').first()) as Record<string, unknown>;
    expect(row).toMatchObject({
      page: '/decisions/12',
      what: 'Ο αναγνώστης οθόνης δεν διαβάζει το PDF.\nΤο άνοιξα με NVDA.',
      name: 'Ελένη Μαρκάκη',
      email: 'eleni@example.gr',
      lang: 'en',
      answered_at: null,
    });
    const id = row.id as number;

    const mails = (await drainMail(ctx.deps)).filter((mail) => mail.to === CONTACT);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Αναφορά προβλήματος προσβασιμότητας (αναφορά ${id})`);
    for (const part of ['/decisions/12', 'Το άνοιξα με NVDA.', 'Ελένη Μαρκάκη', 'eleni@example.gr'])
      expect(mails[0]!.text).toContain(part);
    expect(mails[0]!.text).toContain('/staff/accessibility-feedback');
    expect(mails[0]!.html).toContain('Ο αναγνώστης οθόνης δεν διαβάζει το PDF.<br>');

    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    expect((await admin.agent.get('/staff')).text).toContain(
      'href="/staff/accessibility-feedback"',
    );
    const page = await admin.agent.get('/staff/accessibility-feedback?lang=en');
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    const card = $(`#feedback-${id}`);
    expect(card.length).toBe(1);
    expect(card.text()).toContain('Το άνοιξα με NVDA.');
    expect(card.find('a[href="mailto:eleni@example.gr"]').length).toBe(1);
    expect($('#open-heading').text()).toContain('(1)');

    for (const roles of [['editor'], ['clerk']] as const) {
      const other = await signedInStaff(ctx.app, ctx.db, [...roles]);
      expect((await other.agent.get('/staff/accessibility-feedback')).status).toBe(403);
      expect((await other.agent.get('/staff')).text).not.toContain('/staff/accessibility-feedback');
      const refused = await postForm(
        other.agent,
        '/staff',
        `/staff/accessibility-feedback/${id}/answered`,
        {},
      );
      expect(refused.status).toBe(403);
    }
    expect(await ctx.db('accessibility_feedback').where({ id }).first('answered_at')).toEqual({
      answered_at: null,
    });

    const marked = await postForm(
      admin.agent,
      '/staff/accessibility-feedback',
      `/staff/accessibility-feedback/${id}/answered`,
      {},
    );
    expect(marked.status).toBe(303);
    const after = await admin.agent.get('/staff/accessibility-feedback?lang=en');
    const $after = cheerio.load(after.text);
    expect($after('.govuk-notification-banner, main').text()).toContain(
      `Report ${id} was marked answered.`,
    );
    expect($after('#nothing-open').length).toBe(1);
    expect($after(`#feedback-${id}`).text()).toContain('Answered');
    expect($after(`#feedback-${id} form`).length).toBe(0);
    const stored = (await ctx.db('accessibility_feedback').where({ id }).first()) as {
      answered_at: Date | null;
      answered_by: number | null;
    };
    expect(stored.answered_at).toBeInstanceOf(Date);
    expect(stored.answered_by).toBe(admin.id);
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'accessibility.feedback_answered' })
      .select('actor_id', 'entity_type', 'entity_id');
    expect(audit).toEqual([
      { actor_id: admin.id, entity_type: 'accessibility_feedback', entity_id: id },
    ]);
    // An unknown report is a 404, not a 500.
    const unknown = await postForm(
      admin.agent,
      '/staff/accessibility-feedback',
      '/staff/accessibility-feedback/999999/answered',
      {},
    );
    expect(unknown.status).toBe(404);
  });

  it('limits the reports from one address', async () => {
    const agent = newAgent(ctx.app);
    for (let i = 0; i < FEEDBACK_LIMIT.limit; i += 1)
      expect((await sendFeedback(agent, { what: `Όριο ${i}` })).status).toBe(303);
    for (const [lang, message] of [
      ['el', 'Στείλατε αρκετές αναφορές την τελευταία ώρα'],
      ['en', 'You have sent several reports in the last hour'],
    ] as const) {
      const refused = await sendFeedback(agent, { what: 'Μία ακόμη' }, lang);
      expect(refused.status).toBe(429);
      expect(cheerio.load(refused.text)('.govuk-error-summary').text()).toContain(message);
    }
    expect(
      await ctx.db('accessibility_feedback').whereLike('what', 'Όριο %').count({ n: '*' }).first(),
    ).toEqual({ n: FEEDBACK_LIMIT.limit });
    expect(await ctx.db('accessibility_feedback').where({ what: 'Μία ακόμη' }).first()).toBe(
      undefined,
    );
    // Another address is not held back.
    expect((await sendFeedback(newAgent(ctx.app), { what: 'Άλλη διεύθυνση' })).status).toBe(303);
    await drainMail(ctx.deps);
  });
});

describe('the retention rule accessibility.feedback', () => {
  it('deletes exactly the reports answered more than the set days ago', async () => {
    const now = new Date('2027-06-01T09:00:00Z');
    fixedNow = now;
    try {
      await ctx.db('accessibility_feedback').delete();
      const insert = async (what: string, created: number, answered: number | null) => {
        const [row] = (await ctx
          .db('accessibility_feedback')
          .insert({
            what,
            email: `${what}@example.gr`,
            name: what,
            lang: 'el',
            created_at: new Date(now.getTime() - created),
            answered_at: answered === null ? null : new Date(now.getTime() - answered),
          })
          .returning('id')) as { id: number }[];
        return row!.id;
      };
      const due = await insert('due', 400 * DAY, 365 * DAY + 60_000);
      const notYet = await insert('notyet', 400 * DAY, 365 * DAY - 60_000);
      const open = await insert('open', 900 * DAY, null);
      const recent = await insert('recent', 2 * DAY, DAY);
      const rule = accessibilityModule.retention!.find(
        (one) => one.name === 'accessibility.feedback',
      )!;
      expect(rule.settingKey).toBe('accessibility.feedbackDays');
      expect(await rule.run(ctx.deps)).toBe(1);
      const left = (await ctx.db('accessibility_feedback').orderBy('id').pluck('id')) as number[];
      expect(left).toEqual([notYet, open, recent]);
      expect(left).not.toContain(due);
      expect(await rule.run(ctx.deps)).toBe(0);
      // Two minutes later the next one is due; the open one never is.
      fixedNow = new Date(now.getTime() + 120_000);
      expect(await rule.run(ctx.deps)).toBe(1);
      expect(await ctx.db('accessibility_feedback').orderBy('id').pluck('id')).toEqual([
        open,
        recent,
      ]);
    } finally {
      fixedNow = undefined;
      await ctx.db('accessibility_feedback').delete();
    }
  });

  it('is in the privacy notice with its days', async () => {
    for (const [lang, text] of [
      ['el', 'Μια αναφορά διαγράφεται 365 ημέρες αφού απαντηθεί'],
      ['en', 'A report is deleted 365 days after it was answered'],
    ] as const) {
      const page = await request(ctx.app).get(`/privacy?lang=${lang}`);
      expect(textOf(page.text)).toContain(text);
    }
  });
});

describe('a citizen’s reports in the download and the deletion', () => {
  it('are the reports that gave the account’s email, and only those', async () => {
    const user = await createActiveUser(ctx.db, 'a11y-owner');
    const email = 'user.a11y-owner@example.gr';
    await ctx.db('accessibility_feedback').insert([
      { what: 'Δικό της', email: 'User.A11y-Owner@example.gr', lang: 'el' },
      { what: 'Άλλου', email: 'someone@example.gr', lang: 'el' },
      { what: 'Ανώνυμο', lang: 'en' },
    ]);
    const person = { userId: user.id, afm: null, email };
    const exported = await accessibilityModule.exportFor!(person, ctx.db);
    expect(exported).toEqual({
      accessibilityFeedback: [expect.objectContaining({ whatHappened: 'Δικό της' })],
    });
    // Without the email, it is read from the account.
    expect(await accessibilityModule.exportFor!({ userId: user.id, afm: null }, ctx.db)).toEqual(
      exported,
    );
    await ctx.db.transaction((trx) =>
      accessibilityModule.eraseFor!(person, trx, {
        deps: ctx.deps,
        removeAfterCommit: () => undefined,
      }),
    );
    expect(await ctx.db('accessibility_feedback').orderBy('id').pluck('what')).toEqual([
      'Άλλου',
      'Ανώνυμο',
    ]);
    await ctx.db('accessibility_feedback').delete();
  });
});

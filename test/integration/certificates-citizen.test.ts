import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/lib/format.ts';
import {
  createActiveUser,
  drainMail,
  formTokens,
  newAgent,
  postForm,
  signIn,
  type Agent,
} from '../helpers/accounts.ts';
import {
  applyForCertificate,
  binary,
  insertRollPerson,
  insertRollRecord,
  verifiedFamily,
} from '../helpers/certificates.ts';
import { insertDebt } from '../helpers/finance.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Monday 15 June 2026, noon in Athens.
const NOW = new Date('2026-06-15T09:00:00Z');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
});
afterAll(() => ctx.close());

const $of = (html: string) => cheerio.load(html);
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const applicationsOf = async (userId: number) =>
  Number(
    (
      (await ctx
        .db('certificate_applications')
        .where({ user_id: userId })
        .count({ n: '*' })
        .first()) as { n: string }
    ).n,
  );

/** The page in English; the agent's language back to Greek afterwards. */
async function inEnglish(agent: Agent, path: string) {
  const res = await agent.get(`${path}${path.includes('?') ? '&' : '?'}lang=en`);
  await agent.get('/certificates?lang=el');
  return res;
}

describe('who may apply', () => {
  it('sends anonymous visitors to sign in', async () => {
    const res = await request(ctx.app).get('/certificates');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fcertificates');
  });

  it('explains to a citizen whose identity was not checked (or has no AFM) how the service opens, and refuses the form', async () => {
    for (const extra of [
      {},
      { identity_verified_at: NOW, identity_channel: 'counter', afm: null },
    ]) {
      const user = await createActiveUser(
        ctx.db,
        `cert-unverified-${Object.keys(extra).length}`,
        extra,
      );
      const agent = newAgent(ctx.app);
      await signIn(agent, user.username, user.password);
      const page = await agent.get('/certificates');
      expect(page.status).toBe(200);
      const $ = $of(page.text);
      expect($('#not-verified').text()).toContain('ταυτοποίησή σας');
      // The catalogue, without a way to apply.
      expect($('#type-registration h3').text()).toBe('Πιστοποιητικό εγγραφής στο δημοτολόγιο');
      expect($('a[href^="/certificates/new"]')).toHaveLength(0);
      const form = await agent.get('/certificates/new?type=registration');
      expect(form.status).toBe(200);
      expect($of(form.text)('#not-verified')).toHaveLength(1);
      expect($of(form.text)('form[action="/certificates"]')).toHaveLength(0);
      const refused = await agent
        .post('/certificates')
        .type('form')
        .send({
          _csrf: $('input[name="_csrf"]').first().attr('value'),
          type: 'registration',
          delivery: 'email',
        });
      expect(refused.status).toBe(403);
      expect(await applicationsOf(user.id)).toBe(0);
      expect($of((await inEnglish(agent, '/certificates')).text)('#not-verified').text()).toContain(
        'identity has been checked',
      );
    }
  });
});

describe('a verified citizen', () => {
  it('sees the catalogue with "Apply", fees to be paid at the ΚΕΠ, and their applications', async () => {
    await ctx.db('certificate_types').where({ code: 'next_of_kin' }).update({ fee_cents: 350 });
    try {
      const family = await verifiedFamily(ctx.app, ctx.db);
      const $ = $of((await family.agent.get('/certificates')).text);
      expect($('#type-registration').text()).toContain('Αμέσως, ηλεκτρονικά');
      expect($('#type-family_status').text()).toContain('μέσα σε 3 εργάσιμες ημέρες');
      expect($('#type-no_debt').text()).toContain('Με email, Παραλαβή από το ΚΕΠ');
      expect($('a[href="/certificates/new?type=registration"]')).toHaveLength(1);
      expect($('[data-fee="next_of_kin"]').text()).toContain('3,50');
      expect($('a[href="/certificates/new?type=next_of_kin"]')).toHaveLength(0);
      expect($('#no-applications')).toHaveLength(1);
      const en = $of((await inEnglish(family.agent, '/certificates')).text);
      expect(en('#type-registration').text()).toContain('At once, online');
      expect(en('a[href="/certificates/new?type=registration"]').text()).toContain('Apply');
    } finally {
      await ctx.db('certificate_types').where({ code: 'next_of_kin' }).update({ fee_cents: 0 });
    }
  });

  it('gets an instant registration certificate at once, sees it on its page and downloads the PDF', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    await drainMail(ctx.deps);
    const form = $of((await family.agent.get('/certificates/new?type=registration')).text);
    expect(form('input[name="type"][value="registration"]').attr('checked')).toBeDefined();
    // The family record's members, for a type that allows them.
    expect(form(`input[name="subject"][value="${family.spouse.id}"]`)).toHaveLength(1);
    expect(form(`input[name="subject"][value="${family.child.id}"]`)).toHaveLength(1);

    const res = await postForm(
      family.agent,
      '/certificates/new?type=registration',
      '/certificates',
      {
        type: 'registration',
        subject: 'self',
        purpose: 'Για τον ΟΑΕΔ',
        delivery: 'email',
      },
    );
    expect(res.status).toBe(303);
    const path = String(res.headers.location);
    expect(path).toMatch(/^\/certificates\/CRT-2026-\d{6}$/);
    const reference = path.split('/')[2]!;

    const page = await family.agent.get(path);
    expect(page.status).toBe(200);
    const $ = $of(page.text);
    expect($('.govuk-notification-banner').text()).toContain('εκδόθηκε');
    expect($('#status').text()).toBe('Εκδόθηκε');
    expect($('#certificate-number').text()).toMatch(/^2026\/\d{6}$/);
    expect($('#verification-code').text()).toMatch(
      /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/,
    );
    expect($('#valid-until').text()).toContain('15 Δεκεμβρίου 2026');
    expect($('#delivery-state').text()).toBe('Στάλθηκε με email');
    expect(
      $('#timeline li')
        .map((_i, li) => $(li).attr('data-event'))
        .get(),
    ).toEqual(['submitted', 'issued', 'emailed']);
    expect(squash($('#application-summary').text())).toContain('Για τον ΟΑΕΔ');

    const pdf = await family.agent.get(`${path}/certificate.pdf`).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?${reference}\\.pdf"?$`),
    );
    expect(pdf.headers['cache-control']).toContain('no-store');
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const list = $of((await family.agent.get('/certificates')).text);
    const row = list(`tr[data-reference="${reference}"]`);
    expect(row.find('a').attr('href')).toBe(path);
    expect(row.find('.govuk-tag').text()).toBe('Εκδόθηκε');
    expect((await inEnglish(family.agent, path)).text).toContain('Certificate issued');

    // The email says how it arrives and carries the file's key, not the file.
    const mail = (await drainMail(ctx.deps)).find((m) => m.text.includes(reference))!;
    expect(mail.subject).toBe(`Εκδόθηκε: Πιστοποιητικό εγγραφής στο δημοτολόγιο (${reference})`);
    expect(mail.text).toContain('συνημμένο');
    expect(mail.text).toContain(`/certificates/${reference}`);
    expect(mail.attachments).toEqual([
      expect.objectContaining({ fileName: `${reference}.pdf`, contentType: 'application/pdf' }),
    ]);
  });

  it('applies for a type a clerk issues: a reference and a deadline, then the clerk’s steps on the timeline', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    await drainMail(ctx.deps);
    const res = await applyForCertificate(family.agent, {
      type: 'family_status',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12, 72100 Άγιος Νικόλαος',
    });
    expect(res.status).toBe(303);
    const path = String(res.headers.location);
    const application = await ctx
      .db('certificate_applications')
      .where({ reference: path.split('/')[2] })
      .first();
    expect(application.status).toBe('submitted');
    const deadline = formatDate(application.deadline as string, 'el');
    let $ = $of((await family.agent.get(path)).text);
    expect($('.govuk-notification-banner').text()).toContain(deadline);
    expect($('#deadline').text()).toBe(deadline);
    expect($('#status').text()).toBe('Υποβλήθηκε');
    expect($('#post-address').text()).toBe('Κονδυλάκη 12, 72100 Άγιος Νικόλαος');
    expect($('#certificate')).toHaveLength(0);
    expect((await family.agent.get(`${path}/certificate.pdf`)).status).toBe(404);

    const clerk = { userId: null };
    await ctx.services.certificates.startWork(application.id, clerk);
    await ctx.services.certificates.issue(application.id, [], clerk);
    await ctx.services.certificates.markDelivery(application.id, 'posted', clerk);
    await ctx.services.certificates.revoke(application.id, 'Λάθος στη μερίδα', clerk);
    $ = $of((await family.agent.get(path)).text);
    expect(
      $('#timeline li')
        .map((_i, li) => $(li).attr('data-event'))
        .get(),
    ).toEqual(['submitted', 'in_progress', 'issued', 'posted', 'revoked']);
    expect($('#status').text()).toBe('Ανακλήθηκε');
    expect($('#revoked').text()).toContain('δεν ισχύει');
    expect($('#revocation-reason').text()).toBe('Λάθος στη μερίδα');
    expect($('#timeline li[data-event="revoked"]').text()).toContain('Λάθος στη μερίδα');
    // A revoked certificate stays downloadable, for the citizen's records.
    expect((await family.agent.get(`${path}/certificate.pdf`)).status).toBe(200);
    await inEnglish(family.agent, path);

    // Every change was emailed (the queue hands them out by priority, not in order).
    const subjects = (await drainMail(ctx.deps)).map((m) => m.subject.split(':')[0]).sort();
    expect(subjects).toEqual(
      [
        'Λάβαμε την αίτησή σας',
        'Η αίτησή σας είναι σε επεξεργασία',
        'Εκδόθηκε',
        'Ταχυδρομήθηκε',
        'Ανακλήθηκε',
      ].sort(),
    );
  });

  it('shows a rejection with its reason', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const res = await applyForCertificate(family.agent, { type: 'residence', delivery: 'pickup' });
    const path = String(res.headers.location);
    const { id } = await ctx
      .db('certificate_applications')
      .where({ reference: path.split('/')[2] })
      .first();
    await ctx.services.certificates.reject(id, 'Δεν είστε κάτοικος του Δήμου.', { userId: null });
    const $ = $of((await family.agent.get(path)).text);
    expect($('#status').text()).toBe('Απορρίφθηκε');
    expect($('#rejection-reason').text()).toBe('Δεν είστε κάτοικος του Δήμου.');
    expect($('#timeline li[data-event="rejected"]').text()).toContain('Δεν είστε κάτοικος');
    expect($('#deadline')).toHaveLength(0);
  });
});

describe('for whom', () => {
  it('lets a member of the family record be the subject where the type allows it', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const res = await applyForCertificate(family.agent, {
      type: 'family_status',
      subject: String(family.spouse.id),
      delivery: 'pickup',
    });
    expect(res.status).toBe(303);
    const application = await ctx
      .db('certificate_applications')
      .where({ user_id: family.userId })
      .first();
    expect(application.subject_name).toBe('Κατερίνα Κουτάκη');
    expect(application.subject_person_id).toBe(family.spouse.id);
  });

  it('refuses a family member for a type only the holder may ask for, and anyone from another record', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    // Residence: the form offers only the citizen themselves.
    const form = $of((await family.agent.get('/certificates/new?type=residence')).text);
    expect(form('input[name="subject"]').attr('type')).toBe('hidden');
    const stranger = await insertRollPerson(ctx.db, await insertRollRecord(ctx.db), {
      given_name: 'Άλλος',
    });
    for (const [type, subject] of [
      ['residence', String(family.spouse.id)],
      ['family_status', String(stranger.id)],
      ['family_status', '99999999'],
      ['family_status', 'someone'],
    ] as const) {
      const res = await applyForCertificate(family.agent, { type, subject, delivery: 'pickup' });
      expect(res.status, `${type} ${subject}`).toBe(400);
      const $ = $of(res.text);
      expect($('#subject-error').text()).toContain('μόνο για εσάς');
      expect($('.govuk-error-summary a[href="#subject"]')).toHaveLength(1);
      expect($('#subject')).toHaveLength(1);
    }
    expect(await applicationsOf(family.userId)).toBe(0);
  });
});

describe('the certificate of no debt', () => {
  it('says what is owed while anything is overdue, and records nothing', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    await insertDebt(ctx.db, {
      afm: family.afm,
      amountCents: 12_000,
      dueDate: '2026-05-31',
      period: '2026Α',
    });
    await insertDebt(ctx.db, { afm: family.afm, amountCents: 5_000, dueDate: '2026-12-31' });
    const res = await applyForCertificate(family.agent, { type: 'no_debt', delivery: 'email' });
    expect(res.status).toBe(200);
    const $ = $of(res.text);
    expect(squash($('.govuk-warning-text').text())).toContain('120,00');
    const items = $('#owed-items li');
    expect(items).toHaveLength(1);
    expect(squash(items.text())).toContain('2026Α');
    expect(squash(items.text())).toContain('31 Μαΐου 2026');
    expect(items.find('a').attr('href')).toMatch(/^\/dues\/\d+$/);
    expect($('#to-dues').attr('href')).toBe('/dues');
    await family.agent.get('/certificates?lang=en');
    const en = await applyForCertificate(family.agent, { type: 'no_debt', delivery: 'pickup' });
    expect(squash(cheerio.load(en.text)('.govuk-warning-text').text())).toContain('overdue dues');
    await family.agent.get('/certificates?lang=el');
    expect(await applicationsOf(family.userId)).toBe(0);
  });
});

describe('someone else’s application', () => {
  it('is a 404 to any other citizen, as an unknown reference is, the PDF too', async () => {
    const owner = await verifiedFamily(ctx.app, ctx.db);
    const other = await verifiedFamily(ctx.app, ctx.db);
    const res = await applyForCertificate(owner.agent, {
      type: 'registration',
      delivery: 'pickup',
    });
    const path = String(res.headers.location);
    expect((await owner.agent.get(`${path}/certificate.pdf`)).status).toBe(200);
    for (const url of [
      path,
      `${path}/certificate.pdf`,
      '/certificates/CRT-2026-999999',
      '/certificates/CRT-2026-999999/certificate.pdf',
      '/certificates/nothing',
    ])
      expect((await other.agent.get(url)).status, url).toBe(404);
    expect((await request(ctx.app).get(path)).status).toBe(303);
  });
});

describe('bad input', () => {
  it('shows each problem beside its field, keeps the values, and stores nothing', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const cases: {
      fields: Record<string, string> & { type: string };
      field: string;
      says: string;
    }[] = [
      {
        fields: { type: 'registration', purpose: 'Δουλειά' },
        field: 'delivery',
        says: 'Επιλέξτε πώς',
      },
      {
        fields: { type: 'registration', delivery: 'post', postAddress: '  ' },
        field: 'postAddress',
        says: 'διεύθυνση',
      },
      {
        fields: { type: 'registration', delivery: 'email', purpose: 'α'.repeat(201) },
        field: 'purpose',
        says: '200',
      },
      {
        fields: { type: 'no_debt', delivery: 'post', postAddress: 'Οδός 1' },
        field: 'delivery',
        says: 'Επιλέξτε πώς',
      },
      {
        fields: { type: 'nothing', delivery: 'email' },
        field: 'type',
        says: 'Επιλέξτε πιστοποιητικό',
      },
    ];
    for (const { fields, field, says } of cases) {
      const res = await applyForCertificate(family.agent, fields);
      expect(res.status, field).toBe(400);
      const $ = $of(res.text);
      expect($(`#${field}-error`).text(), field).toContain(says);
      expect($(`.govuk-error-summary a[href="#${field}"]`), field).toHaveLength(1);
      expect($(`#${field}`), field).toHaveLength(1);
      if (fields.purpose) expect($('#purpose').attr('value')).toBe(fields.purpose);
    }
    await family.agent.get('/certificates?lang=en');
    const en = await applyForCertificate(family.agent, { type: 'registration' });
    expect($of(en.text)('#delivery-error').text()).toContain('Choose how you will receive it');
    await family.agent.get('/certificates?lang=el');
    expect(await applicationsOf(family.userId)).toBe(0);
  });

  it('records one application when the same form is sent twice at once', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const tokens = await formTokens(
      family.agent,
      '/certificates/new?type=residence',
      '/certificates',
    );
    const send = () =>
      family.agent
        .post('/certificates')
        .type('form')
        .send({ ...tokens, type: 'residence', subject: 'self', delivery: 'pickup' });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await applicationsOf(family.userId)).toBe(1);
  });
});

describe('around the service', () => {
  it('has a card on the hub and a line on the account page, in both languages', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    await applyForCertificate(family.agent, { type: 'residence', delivery: 'pickup' });
    const hub = $of((await family.agent.get('/')).text);
    expect(hub('a[href="/certificates"]').length).toBeGreaterThan(0);
    const account = $of((await family.agent.get('/account')).text);
    expect(squash(account('main').text())).toContain('Αιτήσεις πιστοποιητικών σε εξέλιξη: 1');
    expect(squash($of((await inEnglish(family.agent, '/account')).text)('main').text())).toContain(
      'Certificate applications in progress: 1',
    );
    expect((await inEnglish(family.agent, '/')).text).toContain('Certificates');
    expect((await request(ctx.app).get('/privacy')).text).toContain('Τα πιστοποιητικά που ζητάτε');
    expect((await request(ctx.app).get('/privacy?lang=en')).text).toContain(
      'The certificates you ask for',
    );
    for (const path of [
      '/certificates/new?type=family_status',
      '/certificates/new',
      '/certificates/new?type=no_debt',
    ])
      for (const lang of ['el', 'en']) {
        const res = await family.agent.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        expect(res.status, path).toBe(200);
      }
    await family.agent.get('/certificates?lang=el');
  });
});

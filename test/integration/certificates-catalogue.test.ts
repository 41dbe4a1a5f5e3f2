import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { ValidationError } from '../../src/lib/errors.ts';
import { createActiveUser, csrfFrom, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { verifiedFamily } from '../helpers/certificates.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const CATALOGUE = '/staff/certificates/catalogue';
let ctx: TestContext;
let admin: Agent;
let adminId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin, id: adminId } = await signedInStaff(ctx.app, ctx.db, ['admin']));
});
afterAll(() => ctx.close());

const $ = (html: string) => cheerio.load(html);

/** A complete new type's form; `extra` changes or adds fields. */
const newType = (extra: Record<string, string | string[]> = {}) => ({
  code: 'birth_record',
  template: 'registration',
  nameEl: 'Πιστοποιητικό γέννησης',
  nameEn: 'Birth certificate',
  descriptionEl: 'Από τα στοιχεία του δημοτολογίου.',
  descriptionEn: 'From the municipal roll.',
  who: 'family',
  issueMode: 'clerk',
  deadlineDays: '4',
  fee: '0',
  validityMonths: '6',
  delivery: ['email', 'pickup'],
  byPhone: 'yes',
  active: 'yes',
  position: '7',
  ...extra,
});

async function post(path: string, fields: Record<string, string | string[]>, agent = admin) {
  const _csrf = await csrfFrom(agent, path);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf, ...fields });
}

/** The message shown in a field's own form group. */
const messageAt = (html: string, field: string) =>
  $(html)(`#${field}`)
    .closest('.govuk-form-group')
    .find('.govuk-error-message')
    .text()
    .replace(/\s+/g, ' ')
    .trim();

describe('the certificate catalogue', () => {
  it('lists the five types every installation starts with', async () => {
    const page = $((await admin.get(CATALOGUE)).text);
    const codes = page('#types tbody tr')
      .map((_i, row) => page(row).attr('data-code'))
      .get();
    expect(codes).toEqual(['registration', 'family_status', 'next_of_kin', 'residence', 'no_debt']);
    const noDebt = page('#types tr[data-code="no_debt"]').text();
    expect(noDebt).toContain('Βεβαίωση δημοτικής ενημερότητας');
    expect(noDebt).toContain('Άμεση');
    expect(noDebt).toContain('Χωρίς τέλος');
    expect(page('#types tr[data-code="family_status"]').text()).toContain('3 εργάσιμες');
    const en = $((await admin.get(`${CATALOGUE}?lang=en`)).text);
    expect(en('#types tr[data-code="residence"]').text()).toContain('3 months');
    await admin.get(`${CATALOGUE}?lang=el`);
  });

  it('says what is wrong next to each field, in Greek and in English, and saves nothing', async () => {
    const bad = newType({
      code: 'Birth-Record',
      template: 'letter',
      nameEl: ' ',
      nameEn: 'x'.repeat(201),
      who: 'anyone',
      issueMode: 'sometimes',
      deadlineDays: '61',
      fee: 'δωρεάν',
      validityMonths: '0',
      delivery: ['fax'],
      position: '-1',
    });
    const res = await post(`${CATALOGUE}/new`, bad);
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(
      page('.govuk-error-summary a')
        .map((_i, a) => page(a).attr('href'))
        .get(),
    ).toEqual([
      '#code',
      '#template',
      '#nameEl',
      '#nameEn',
      '#who',
      '#issueMode',
      '#deadlineDays',
      '#fee',
      '#validityMonths',
      '#delivery',
      '#position',
    ]);
    expect(messageAt(res.text, 'code')).toContain('λατινικά πεζά γράμματα');
    expect(messageAt(res.text, 'nameEl')).toContain('Γράψτε το όνομα.');
    expect(messageAt(res.text, 'nameEn')).toContain('Έως 200 χαρακτήρες.');
    expect(messageAt(res.text, 'deadlineDays')).toContain('από 0 έως 60');
    expect(messageAt(res.text, 'fee')).toContain('σε ευρώ');
    expect(messageAt(res.text, 'validityMonths')).toContain('από 1 έως 120');
    expect(messageAt(res.text, 'delivery')).toContain('τουλάχιστον έναν τρόπο');
    // What was typed stays.
    expect(page('#code').val()).toBe('Birth-Record');
    expect(page('#deadlineDays').val()).toBe('61');

    await admin.get(`${CATALOGUE}/new?lang=en`);
    const en = await post(`${CATALOGUE}/new`, { ...bad, code: '' });
    expect(messageAt(en.text, 'code')).toContain('lower-case Latin letters');
    expect(messageAt(en.text, 'delivery')).toContain('at least one way of delivery');
    await admin.get(`${CATALOGUE}?lang=el`);
    expect(await ctx.db('certificate_types').count({ n: '*' }).first()).toEqual({ n: 5 });
  });

  it('keeps a no-debt certificate instant, and codes unique', async () => {
    const clerkIssued = await post(
      `${CATALOGUE}/new`,
      newType({ code: 'debt_check', template: 'no_debt', issueMode: 'clerk' }),
    );
    expect(clerkIssued.status).toBe(400);
    expect(messageAt(clerkIssued.text, 'issueMode')).toContain(
      'Η δημοτική ενημερότητα εκδίδεται μόνο άμεσα',
    );
    const edit = await post(`${CATALOGUE}/no_debt`, { ...newType(), issueMode: 'clerk' });
    expect(edit.status).toBe(400);
    expect(messageAt(edit.text, 'issueMode')).toContain('μόνο άμεσα');
    for (const code of ['residence', 'new']) {
      const taken = await post(`${CATALOGUE}/new`, newType({ code }));
      expect(taken.status, code).toBe(400);
      expect(messageAt(taken.text, 'code'), code).toContain('χρησιμοποιείται ήδη');
    }
  });

  it('adds a type, audited, and lists it', async () => {
    // An empty fee is no fee.
    const created = await post(`${CATALOGUE}/new`, newType({ code: 'birth_record_2', fee: '' }));
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(CATALOGUE);
    const row = await ctx.db('certificate_types').where({ code: 'birth_record_2' }).first();
    expect(row).toMatchObject({
      template: 'registration',
      who: 'family',
      issue_mode: 'clerk',
      deadline_days: 4,
      fee_cents: 0,
      validity_months: 6,
      delivery_methods: ['email', 'pickup'],
      by_phone: true,
      active: true,
      position: 7,
      updated_by: adminId,
    });
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'certificates.type_saved' })
      .orderBy('id', 'desc')
      .first<{ actor_id: number; details: Record<string, unknown> }>();
    expect(audit?.actor_id).toBe(adminId);
    expect(audit?.details).toMatchObject({
      code: 'birth_record_2',
      created: true,
      template: 'registration',
    });
    const page = $((await admin.get(CATALOGUE)).text);
    expect(page('.govuk-notification-banner').text()).toContain('birth_record_2');
    expect(page('#types tr[data-code="birth_record_2"]').text()).toContain(
      'Πιστοποιητικό γέννησης',
    );
  });

  it('changes a type: a fee shows in the catalogue and stops online applications; audited with what changed', async () => {
    const form = $((await admin.get(`${CATALOGUE}/residence`)).text);
    expect(form('#nameEl').val()).toBe('Βεβαίωση μόνιμης κατοικίας');
    expect(form('#fee').val()).toBe('0,00');
    expect(form('#validityMonths').val()).toBe('3');
    expect(form('#type-identity').text()).toContain('residence');
    const values = {
      nameEl: String(form('#nameEl').val()),
      nameEn: String(form('#nameEn').val()),
      descriptionEl: form('#descriptionEl').text(),
      descriptionEn: form('#descriptionEn').text(),
      who: 'holder',
      issueMode: 'clerk',
      deadlineDays: '5',
      fee: '2,50',
      validityMonths: '',
      delivery: ['email', 'post', 'pickup'],
      byPhone: 'yes',
      active: 'yes',
      position: '4',
    };
    const res = await post(`${CATALOGUE}/residence`, values);
    expect(res.status).toBe(303);
    const row = await ctx.db('certificate_types').where({ code: 'residence' }).first();
    expect(row).toMatchObject({ fee_cents: 250, validity_months: null, template: 'residence' });
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'certificates.type_saved' })
      .orderBy('id', 'desc')
      .first<{ details: { code: string; changes: Record<string, unknown> } }>();
    expect(audit?.details.code).toBe('residence');
    expect(audit?.details.changes).toEqual({
      fee_cents: { before: 0, after: 250 },
      validity_months: { before: 3, after: null },
    });
    const page = $((await admin.get(CATALOGUE)).text);
    const residence = page('#types tr[data-code="residence"]');
    expect(residence.find('.app-fee').text()).toContain('2,50');
    expect(residence.find('.app-fee').text()).toContain('Μόνο στο ΚΕΠ');
    expect(residence.text()).toContain('Χωρίς λήξη');

    // The citizen's application (the service the pages call) refuses it.
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = (await ctx.db<UserRow>('users').where({ id: family.userId }).first())!;
    const refused = await ctx.services.certificates
      .apply({ user, typeCode: 'residence', subject: 'self', delivery: 'email', channel: 'web' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).errors).toEqual([
      { field: 'type', key: 'certificates.errors.feeNotOnline' },
    ]);

    // Saving the same values again changes nothing and writes no audit entry.
    const count = await ctx
      .db('audit_log')
      .where({ action: 'certificates.type_saved' })
      .count({ n: '*' })
      .first();
    expect((await post(`${CATALOGUE}/residence`, { ...values, fee: '2.50' })).status).toBe(303);
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'certificates.type_saved' })
        .count({ n: '*' })
        .first(),
    ).toEqual(count);
  });

  it('answers 404 for types that do not exist and codes that cannot be', async () => {
    for (const code of ['nope', 'X', '1', 'a'.repeat(41), 'no-debt'])
      expect((await admin.get(`${CATALOGUE}/${code}`)).status, code).toBe(404);
    expect((await post(`${CATALOGUE}/nope`, newType())).status).toBe(404);
    // The new-type page renders in English too.
    expect((await admin.get(`${CATALOGUE}/new?lang=en`)).status).toBe(200);
    expect((await admin.get(`${CATALOGUE}/registration?lang=en`)).status).toBe(200);
    await admin.get(`${CATALOGUE}?lang=el`);
  });

  it('refuses citizens and staff without the admin role', async () => {
    const citizen = await createActiveUser(ctx.db, 'catalogue-citizen');
    const citizenAgent = newAgent(ctx.app);
    await signIn(citizenAgent, citizen.username, citizen.password);
    const outsiders = [
      citizenAgent,
      (await verifiedFamily(ctx.app, ctx.db)).agent,
      (await signedInStaff(ctx.app, ctx.db, ['clerk'])).agent,
      (await signedInStaff(ctx.app, ctx.db, ['finance'])).agent,
      (await signedInStaff(ctx.app, ctx.db, ['editor'])).agent,
    ];
    for (const agent of outsiders) {
      for (const path of [CATALOGUE, `${CATALOGUE}/new`, `${CATALOGUE}/registration`])
        expect((await agent.get(path)).status, path).toBe(403);
      const _csrf = await csrfFrom(agent, '/account');
      for (const path of [`${CATALOGUE}/new`, `${CATALOGUE}/registration`])
        expect(
          (
            await agent
              .post(path)
              .type('form')
              .send({ _csrf, ...newType() })
          ).status,
          path,
        ).toBe(403);
    }
    expect(
      await ctx.db('certificate_types').where({ code: 'birth_record' }).first(),
    ).toBeUndefined();
  });
});

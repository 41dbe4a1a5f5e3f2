import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import type { ApplyInput } from '../../src/features/certificates/certificates.service.ts';
import { seedDemoCertificates } from '../../src/features/certificates/certificates.demo.ts';
import { createDocumentStore } from '../../src/lib/document-store.ts';
import {
  createActiveUser,
  csrfFrom,
  newAgent,
  postForm,
  signIn,
  type Agent,
} from '../helpers/accounts.ts';
import { insertRollPerson, insertRollRecord, verifiedFamily } from '../helpers/certificates.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Monday 15 June 2026, noon in Athens.
const now = new Date('2026-06-15T09:00:00Z');
const QUEUE = '/staff/certificates';
let ctx: TestContext;
let clerk: Agent;
let clerkId: number;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
  ({ agent: clerk, id: clerkId } = await signedInStaff(ctx.app, ctx.db, ['clerk']));
});
afterAll(() => ctx.close());

const $ = (html: string) => cheerio.load(html);
const userOf = async (id: number) => (await ctx.db<UserRow>('users').where({ id }).first())!;

/** An application by a new verified family (for its head unless said otherwise). */
async function anApplication(input: Partial<Omit<ApplyInput, 'user'>> = {}) {
  const family = await verifiedFamily(ctx.app, ctx.db);
  const result = await ctx.services.certificates.apply({
    user: await userOf(family.userId),
    typeCode: 'family_status',
    subject: 'self',
    delivery: 'email',
    channel: 'web',
    ...input,
  });
  if (!result.ok) throw new Error('not applied');
  return {
    family,
    application: result.application,
    id: result.application.id,
    page: `${QUEUE}/${result.application.id}`,
  };
}

/** Sends an action's form from the application's page, as the clerk's browser would. */
const act = (agent: Agent, page: string, action: string, fields: Record<string, string> = {}) =>
  postForm(agent, page, `${page}/${action}`, fields);

const statusOf = async (id: number) =>
  (await ctx
    .db('certificate_applications')
    .where({ id })
    .first<{ status: string; delivery_state: string | null }>())!;

describe('the clerk queue', () => {
  it('lists open applications by deadline, marks the overdue and those due today in words', async () => {
    const later = await anApplication({ typeCode: 'next_of_kin' });
    const overdue = await anApplication();
    const today = await anApplication({
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12',
    });
    await ctx
      .db('certificate_applications')
      .where({ id: overdue.id })
      .update({ deadline: '2026-06-10' });
    await ctx
      .db('certificate_applications')
      .where({ id: today.id })
      .update({ deadline: '2026-06-15' });
    const page = $((await clerk.get(QUEUE)).text);
    const ids = page('#queue tbody tr')
      .map((_i, row) => Number(page(row).attr('data-id')))
      .get()
      .filter((id) => [later.id, overdue.id, today.id].includes(id));
    expect(ids).toEqual([overdue.id, today.id, later.id]);
    const row = (id: number) => page(`#queue tr[data-id="${id}"]`);
    expect(row(overdue.id).find('.app-overdue').text()).toBe('Εκπρόθεσμη');
    expect(row(today.id).find('.app-due-today').text()).toBe('Λήγει σήμερα');
    expect(row(later.id).find('.app-overdue, .app-due-today').length).toBe(0);
    expect(page('#queue-deadlines').text()).toContain('1 αίτηση έχει περάσει την προθεσμία της.');
    expect(page('[aria-current="page"]').last().text()).toMatch(/^Προς διεκπεραίωση \(\d+\)$/);
    const cells = row(overdue.id)
      .find('td')
      .map((_i, td) => page(td).text().trim())
      .get();
    expect(cells[0]).toBe(overdue.application.reference);
    expect(cells[1]).toBe('Πιστοποιητικό οικογενειακής κατάστασης');
    expect(cells[2]).toBe('Γιώργος Μανωλάκης');
    expect(cells[3]).toBe('Γιώργος Μανωλάκης');
    expect(cells[4]).toBe('15/06/2026');
    expect(cells[5]).toContain('10/06/2026');
    expect(cells[6]).toBe('Υποβλήθηκε');

    const en = $((await clerk.get(`${QUEUE}?lang=en`)).text);
    expect(en(`#queue tr[data-id="${overdue.id}"] .app-overdue`).text()).toBe('Overdue');
    expect(en(`#queue tr[data-id="${today.id}"] .app-due-today`).text()).toBe('Due today');

    // Filters: by type, by status; a started one leaves the "submitted" filter.
    const byType = $((await clerk.get(`${QUEUE}?type=residence&lang=el`)).text);
    expect(byType(`#queue tr[data-id="${today.id}"]`).length).toBe(1);
    expect(byType(`#queue tr[data-id="${overdue.id}"]`).length).toBe(0);
    await act(clerk, overdue.page, 'start');
    const submitted = $((await clerk.get(`${QUEUE}?status=submitted`)).text);
    expect(submitted(`#queue tr[data-id="${overdue.id}"]`).length).toBe(0);
    const inProgress = $((await clerk.get(`${QUEUE}?status=in_progress`)).text);
    expect(inProgress(`#queue tr[data-id="${overdue.id}"] td`).last().text().trim()).toBe(
      'Σε επεξεργασία',
    );
    // Garbage in the query is ignored, never an error.
    expect((await clerk.get(`${QUEUE}?status=zzz&type=%27&list=x`)).status).toBe(200);
  });

  it('lists issued certificates still to post or hand over, and not once delivered', async () => {
    const post = await anApplication({
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12',
    });
    const pickup = await anApplication({ delivery: 'pickup' });
    const email = await anApplication();
    for (const a of [post, pickup, email])
      await ctx.services.certificates.issue(a.id, [], { userId: clerkId });
    const deliver = async () => {
      const page = $((await clerk.get(`${QUEUE}?list=deliver`)).text);
      return page('#queue tbody tr')
        .map((_i, row) => Number(page(row).attr('data-id')))
        .get();
    };
    const listed = await deliver();
    expect(listed).toContain(post.id);
    expect(listed).toContain(pickup.id);
    expect(listed).not.toContain(email.id);
    const open = $((await clerk.get(QUEUE)).text);
    expect(open(`#queue tr[data-id="${post.id}"]`).length).toBe(0);
    await act(clerk, post.page, 'delivery', { state: 'posted' });
    await act(clerk, pickup.page, 'delivery', { state: 'handed_over' });
    const after = await deliver();
    expect(after).not.toContain(post.id);
    expect(after).not.toContain(pickup.id);
  });
});

describe('finding an application or certificate', () => {
  it('goes to it by its reference or its certificate’s code, and says so next to the field when none has it', async () => {
    const instant = await anApplication({ typeCode: 'registration' });
    const certificate = (await ctx.services.certificates.certificateOf(instant.id))!;
    const byReference = await clerk.get(
      `${QUEUE}?find=${instant.application.reference.toLowerCase()}`,
    );
    expect(byReference.status).toBe(303);
    expect(byReference.headers.location).toBe(instant.page);
    const code = certificate.verification_code;
    const byCode = await clerk.get(
      `${QUEUE}?find=${encodeURIComponent(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`)}`,
    );
    expect(byCode.headers.location).toBe(instant.page);
    const unknown = await clerk.get(`${QUEUE}?find=CRT-1999-000001`);
    expect(unknown.status).toBe(404);
    expect($(unknown.text)('#find-error').text()).toContain('Δεν βρέθηκε αίτηση');
    expect((await clerk.get(`${QUEUE}?find=%20`)).status).toBe(400);
  });
});

describe("an application's page", () => {
  it('answers 404 for unknown and malformed ids', async () => {
    for (const path of ['999999', '0', 'abc', '1e3', '12345678901', '-1'])
      expect((await clerk.get(`${QUEUE}/${path}`)).status, path).toBe(404);
    expect((await clerk.get(`${QUEUE}/999999/certificate.pdf`)).status).toBe(404);
    const { page } = await anApplication();
    expect((await clerk.get(`${page}/certificate.pdf`)).status).toBe(404);
    const _csrf = await csrfFrom(clerk, QUEUE);
    expect((await clerk.post(`${QUEUE}/999999/start`).type('form').send({ _csrf })).status).toBe(
      404,
    );
    expect(
      (await clerk.post(`${QUEUE}/999999/reject`).type('form').send({ _csrf, reason: 'x' })).status,
    ).toBe(404);
    expect((await clerk.post(`${QUEUE}/999999/issue`).type('form').send({ _csrf })).status).toBe(
      404,
    );
  });

  it('shows the applicant, the holder, the delivery, the deadline, the roll data and the timeline', async () => {
    // For the spouse, asked by the head of the record.
    const f = await verifiedFamily(ctx.app, ctx.db);
    const result = await ctx.services.certificates.apply({
      user: await userOf(f.userId),
      typeCode: 'family_status',
      subject: f.spouse.id,
      delivery: 'post',
      postAddress: 'Μαρίνου Μιχαηλίδη 3, Άγιος Νικόλαος',
      purpose: 'Για τον ΟΠΕΚΑ',
      channel: 'phone',
    });
    if (!result.ok) throw new Error('not applied');
    const html = (await clerk.get(`${QUEUE}/${result.application.id}`)).text;
    const p = $(html);
    const summary = p('#application-summary').text();
    expect(summary).toContain('Γιώργος Μανωλάκης');
    expect(summary).toContain('@example.gr');
    expect(summary).toContain(f.afm);
    expect(summary).toContain('Κατερίνα Κουτάκη (Σύζυγος)');
    expect(summary).toContain('Για τον ΟΠΕΚΑ');
    expect(summary).toContain('Ταχυδρομικά');
    expect(summary).toContain('Μαρίνου Μιχαηλίδη 3');
    expect(summary).toContain('Τηλέφωνο');
    expect(summary).toContain('18 Ιουνίου 2026');
    expect(p('#application-status .app-status').text()).toBe('Υποβλήθηκε');
    const facts = p('#roll-facts').text();
    expect(facts).toContain('Κατερίνα Κουτάκη');
    expect(facts).toContain('Μιχαήλ');
    expect(facts).toContain('Έγγαμη');
    expect(p('#roll-members tbody tr').length).toBe(3);
    expect(p('#roll-members').text()).toContain('Μιχάλης Μανωλάκης');
    expect(p('#events li').first().attr('data-kind')).toBe('submitted');
    expect(p('#events li').first().text()).toContain('ο αιτών');
    // The issue form: the template's fields prefilled from the roll, each with a reason box.
    expect(p('input[name="fields.fullName"]').val()).toBe('Κατερίνα Κουτάκη');
    expect(p('input[name="fields.maritalStatus"]').val()).toBe('Έγγαμη');
    expect(p('input[name="reasons.fullName"]').length).toBe(1);
    expect(p('input[name="fields.address"]').length).toBe(0);
    expect(p(`form[action="${QUEUE}/${result.application.id}/start"]`).length).toBe(1);
    expect(p(`form[action="${QUEUE}/${result.application.id}/reject"]`).length).toBe(1);
    expect(p(`form[action="${QUEUE}/${result.application.id}/revoke"]`).length).toBe(0);
    // In English too.
    const en = $((await clerk.get(`${QUEUE}/${result.application.id}?lang=en`)).text);
    expect(en('#application-summary').text()).toContain('Κατερίνα Κουτάκη (Spouse)');
    expect(en('#application-status .app-status').text()).toBe('Submitted');
    await clerk.get(`${QUEUE}?lang=el`);
  });
});

describe("the clerk's actions", () => {
  it('starts work once; a second start is told someone did it already (409, never a 500)', async () => {
    const { id, page } = await anApplication();
    const res = await act(clerk, page, 'start');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(page);
    expect($((await clerk.get(page)).text)('.govuk-notification-banner').text()).toContain(
      'σε επεξεργασία',
    );
    expect((await statusOf(id)).status).toBe('in_progress');
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'certificates.started', entity_id: id, actor_id: clerkId })
        .first(),
    ).toBeTruthy();
    const _csrf = await csrfFrom(clerk, page);
    const again = await clerk.post(`${page}/start`).type('form').send({ _csrf });
    expect(again.status).toBe(409);
    expect($(again.text)('.govuk-error-summary').text()).toContain('έχει ήδη διεκπεραιωθεί');
  });

  it('needs a reason for a corrected field (400, next to it), then issues with the correction stored and audited', async () => {
    const { id, page } = await anApplication({
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12',
    });
    const bad = await act(clerk, page, 'issue', {
      'fields.address': 'Κονδυλάκη 14, Άγιος Νικόλαος',
      'reasons.address': ' ',
    });
    expect(bad.status).toBe(400);
    const b = $(bad.text);
    expect(b('.govuk-error-summary a[href="#reasons.address"]').text()).toBe(
      'Γράψτε γιατί διορθώνετε αυτό το στοιχείο.',
    );
    const group = b('[id="reasons.address"]').closest('.govuk-form-group');
    expect(group.hasClass('govuk-form-group--error')).toBe(true);
    expect(group.find('.govuk-error-message').text()).toContain('Γράψτε γιατί');
    // What was typed stays.
    expect(b('[id="fields.address"]').val()).toBe('Κονδυλάκη 14, Άγιος Νικόλαος');
    expect(await ctx.db('certificates').where({ application_id: id }).first()).toBeUndefined();
    // An emptied field needs a value.
    const empty = await act(clerk, page, 'issue', {
      'fields.fullName': '',
      'reasons.fullName': 'λάθος',
    });
    expect($(empty.text)('.govuk-error-summary a[href="#fields.fullName"]').text()).toBe(
      'Το διορθωμένο στοιχείο δεν μπορεί να είναι κενό.',
    );

    const res = await act(clerk, page, 'issue', {
      'fields.address': 'Κονδυλάκη 14, Άγιος Νικόλαος',
      'reasons.address': 'Νέα διεύθυνση, βεβαίωση ΔΕΗ',
    });
    expect(res.status).toBe(303);
    const certificate = (await ctx.db('certificates').where({ application_id: id }).first<{
      number: string;
      verification_code: string;
      corrections: { field: string; from: string; to: string; reason: string }[];
      fields: { address: string };
      issued_by: number;
    }>())!;
    expect(certificate.corrections).toEqual([
      {
        field: 'address',
        from: 'Κονδυλάκη 12, 72100 Άγιος Νικόλαος',
        to: 'Κονδυλάκη 14, Άγιος Νικόλαος',
        reason: 'Νέα διεύθυνση, βεβαίωση ΔΕΗ',
      },
    ]);
    expect(certificate.fields.address).toBe('Κονδυλάκη 14, Άγιος Νικόλαος');
    expect(certificate.issued_by).toBe(clerkId);
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'certificates.corrected', entity_id: id })
      .first<{ actor_id: number; details: Record<string, string> }>();
    expect(audit?.actor_id).toBe(clerkId);
    expect(audit?.details).toMatchObject({
      field: 'address',
      to: 'Κονδυλάκη 14, Άγιος Νικόλαος',
      reason: 'Νέα διεύθυνση, βεβαίωση ΔΕΗ',
    });
    const p = $((await clerk.get(page)).text);
    expect(p('.govuk-notification-banner').text()).toContain('εκδόθηκε');
    expect(p('#certificate-number').text()).toBe(certificate.number);
    const code = certificate.verification_code;
    expect(p('#verification-code').text()).toBe(
      `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`,
    );
    expect(p('#corrections').text()).toContain('Νέα διεύθυνση, βεβαίωση ΔΕΗ');
    expect(p(`form[action="${page}/issue"]`).length).toBe(0);
    expect(p(`form[action="${page}/delivery"] input[name="state"]`).val()).toBe('posted');
    const pdf = await clerk.get(p('#certificate-pdf').attr('href')!).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('private, no-store');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // Issuing again: someone did it already.
    const _csrf = await csrfFrom(clerk, page);
    const again = await clerk.post(`${page}/issue`).type('form').send({ _csrf });
    expect(again.status).toBe(409);
    expect(
      await ctx.db('certificates').where({ application_id: id }).count({ n: '*' }).first(),
    ).toEqual({ n: 1 });
  });

  it('rejects only with a reason, shown on the page and audited', async () => {
    const { id, page } = await anApplication();
    const bad = await act(clerk, page, 'reject', { reason: '   ' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('#reason-error').text()).toContain('Γράψτε την αιτιολογία.');
    expect((await statusOf(id)).status).toBe('submitted');
    const long = await act(clerk, page, 'reject', { reason: 'x'.repeat(501) });
    expect($(long.text)('#reason-error').text()).toContain('500');
    const res = await act(clerk, page, 'reject', { reason: 'Δεν είστε μέλος της μερίδας' });
    expect(res.status).toBe(303);
    expect((await statusOf(id)).status).toBe('rejected');
    const p = $((await clerk.get(page)).text);
    expect(p('#application-summary').text()).toContain('Δεν είστε μέλος της μερίδας');
    expect(p(`form[action="${page}/issue"], form[action="${page}/reject"]`).length).toBe(0);
    expect(
      await ctx.db('audit_log').where({ action: 'certificates.rejected', entity_id: id }).first(),
    ).toBeTruthy();
  });

  it('marks a posted certificate once, a pick-up ready then handed over, and refuses what does not fit', async () => {
    const post = await anApplication({
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12',
    });
    await ctx.services.certificates.issue(post.id, [], { userId: clerkId });
    const wrong = await act(clerk, post.page, 'delivery', { state: 'handed_over' });
    expect(wrong.status).toBe(409);
    expect($(wrong.text)('.govuk-error-summary').text()).toContain('δεν ταιριάζει');
    const junk = await act(clerk, post.page, 'delivery', { state: 'teleported' });
    expect(junk.status).toBe(409);
    expect((await act(clerk, post.page, 'delivery', { state: 'posted' })).status).toBe(303);
    expect((await statusOf(post.id)).delivery_state).toBe('posted');
    expect(
      $((await clerk.get(post.page)).text)(`form[action="${post.page}/delivery"]`).length,
    ).toBe(0);
    expect((await act(clerk, post.page, 'delivery', { state: 'posted' })).status).toBe(409);

    const pickup = await anApplication({ delivery: 'pickup' });
    await ctx.services.certificates.issue(pickup.id, [], { userId: clerkId });
    // Issued for pick-up: ready at once (the service's own step); then handed over.
    expect((await statusOf(pickup.id)).delivery_state).toBe('ready_for_pickup');
    const p = $((await clerk.get(pickup.page)).text);
    expect(p(`form[action="${pickup.page}/delivery"] input[name="state"]`).val()).toBe(
      'handed_over',
    );
    expect((await act(clerk, pickup.page, 'delivery', { state: 'handed_over' })).status).toBe(303);
    expect((await statusOf(pickup.id)).delivery_state).toBe('handed_over');
    const kinds = await ctx
      .db('certificate_events')
      .where({ application_id: pickup.id })
      .orderBy('id')
      .pluck('kind');
    expect(kinds).toEqual(['submitted', 'issued', 'ready_for_pickup', 'handed_over']);
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'certificates.delivery', entity_id: pickup.id })
        .first(),
    ).toBeTruthy();
  });

  it('revokes an issued certificate with a reason; verification then says revoked', async () => {
    const { id, page } = await anApplication();
    await ctx.services.certificates.issue(id, [], { userId: clerkId });
    expect((await act(clerk, page, 'revoke', { reason: '' })).status).toBe(400);
    const res = await act(clerk, page, 'revoke', { reason: 'Εκδόθηκε για λάθος πρόσωπο' });
    expect(res.status).toBe(303);
    const p = $((await clerk.get(page)).text);
    expect(p('.app-revoked').text()).toBe('Ανακλήθηκε');
    expect(p('#revocation').text()).toContain('Εκδόθηκε για λάθος πρόσωπο');
    expect(p(`form[action="${page}/revoke"]`).length).toBe(0);
    const certificate = (await ctx.services.certificates.certificateOf(id))!;
    expect((await ctx.services.certificates.verify(certificate.verification_code))?.status).toBe(
      'revoked',
    );
    expect(
      await ctx.db('audit_log').where({ action: 'certificates.revoked', entity_id: id }).first(),
    ).toBeTruthy();
    const _csrf = await csrfFrom(clerk, page);
    const again = await clerk.post(`${page}/revoke`).type('form').send({ _csrf, reason: 'ξανά' });
    expect(again.status).toBe(409);
    expect($(again.text)('.govuk-error-summary').text()).toContain('έχει ήδη ανακληθεί');
  });

  it('issues exactly one certificate when two clerks press issue at the same moment', async () => {
    const { id, page } = await anApplication();
    const { agent: other } = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    const tokens = await Promise.all([clerk, other].map((agent) => csrfFrom(agent, page)));
    const results = await Promise.all(
      [clerk, other].map((agent, i) =>
        agent.post(`${page}/issue`).type('form').send({ _csrf: tokens[i] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    expect($(results.find((r) => r.status === 409)!.text)('.govuk-error-summary').text()).toContain(
      'συνάδελφο',
    );
    expect(
      await ctx.db('certificates').where({ application_id: id }).count({ n: '*' }).first(),
    ).toEqual({ n: 1 });
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'certificates.issued', entity_id: id })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });
  });

  it('renders every state of the page in English as well', async () => {
    const { id, page } = await anApplication({ delivery: 'pickup' });
    expect((await clerk.get(`${page}?lang=en`)).status).toBe(200);
    const bad = await act(clerk, page, 'issue', {
      'fields.fullName': 'Γ. Μανωλάκης',
      'reasons.fullName': '',
    });
    expect($(bad.text)('.govuk-error-summary').text()).toContain(
      'Say why you are correcting this field.',
    );
    await ctx.services.certificates.issue(id, [], { userId: clerkId });
    const issued = $((await clerk.get(page)).text);
    expect(issued('#certificate-pdf').text()).toContain('Download the certificate');
    expect((await clerk.get(`${QUEUE}?list=deliver`)).status).toBe(200);
    await clerk.get(`${QUEUE}?lang=el`);
  });
});

describe('who may see the queue', () => {
  it('refuses citizens and staff without the clerk role, on every page and action', async () => {
    const { page } = await anApplication();
    const citizen = await createActiveUser(ctx.db, 'cert-staff-citizen');
    const citizenAgent = newAgent(ctx.app);
    await signIn(citizenAgent, citizen.username, citizen.password);
    const family = await verifiedFamily(ctx.app, ctx.db);
    const outsiders = [
      citizenAgent,
      family.agent,
      (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent,
      (await signedInStaff(ctx.app, ctx.db, ['finance'])).agent,
      (await signedInStaff(ctx.app, ctx.db, ['handler'])).agent,
    ];
    for (const agent of outsiders) {
      for (const path of [QUEUE, `${QUEUE}?list=deliver`, page, `${page}/certificate.pdf`])
        expect((await agent.get(path)).status, path).toBe(403);
      const _csrf = await csrfFrom(agent, '/account');
      for (const action of ['start', 'issue', 'reject', 'delivery', 'revoke'])
        expect(
          (await agent.post(`${page}/${action}`).type('form').send({ _csrf, reason: 'x' })).status,
          action,
        ).toBe(403);
    }
    expect((await newAgent(ctx.app).get(QUEUE)).status).toBe(303);
  });
});

describe('the demo applications', () => {
  it("gives demo.clerk a queue from demo.verified's family record, once, and nothing without the roll", async () => {
    const context = {
      documents: createDocumentStore(ctx.deps.config.UPLOAD_DIR),
      municipality: 'Δήμος',
      today: now,
    };
    // Applications exist already (the tests above): nothing is added.
    expect(await seedDemoCertificates(ctx.db, context)).toBe(false);
    const fresh = await createTestContext({}, { clock: { now: () => now } });
    try {
      const empty = { ...context, documents: createDocumentStore(fresh.deps.config.UPLOAD_DIR) };
      // No demo citizen on the roll: quietly nothing.
      expect(await seedDemoCertificates(fresh.db, empty)).toBe(false);
      const user = await createActiveUser(fresh.db, 'demo-verified', {
        username: 'demo.verified',
        afm: '102938470',
        identity_verified_at: now,
        identity_channel: 'counter',
      });
      void user;
      const record = await insertRollRecord(fresh.db, { recordNumber: '1203' });
      await insertRollPerson(fresh.db, record, { afm: '102938470' });
      await insertRollPerson(fresh.db, record, {
        relation: 'spouse',
        given_name: 'Κατερίνα',
        surname: 'Κουτάκη',
        sex: 'F',
      });
      expect(await seedDemoCertificates(fresh.db, empty)).toBe(true);
      expect(await seedDemoCertificates(fresh.db, empty)).toBe(false);
      const rows = await fresh
        .db('certificate_applications')
        .orderBy('deadline')
        .select<{ status: string; deadline: string; subject_name: string; reference: string }[]>(
          '*',
        );
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => r.status).sort()).toEqual(['in_progress', 'submitted', 'submitted']);
      expect(rows[0]!.deadline < '2026-06-15').toBe(true);
      expect(rows[0]!.subject_name).toBe('Κατερίνα Κουτάκη');
      expect(rows.every((r) => /^CRT-2026-\d{6}$/.test(r.reference))).toBe(true);
      const { agent } = await signedInStaff(fresh.app, fresh.db, ['clerk']);
      const queue = $((await agent.get(QUEUE)).text);
      expect(queue('#queue tbody tr')).toHaveLength(3);
      expect(queue('#queue .app-overdue')).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});

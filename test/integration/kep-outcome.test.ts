/**
 * The outcome of a ΚΕΠ appointment and the delivery of its document (call/outcome.routes.ts):
 * recorded on the clerk's console by the appointment's clerk or a manager only, the appointment
 * closed, the citizen emailed at each step (the PDF attached when sent by email), and the
 * citizen's appointment page showing it, the document downloadable by its owner only.
 */
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import type { OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import { drainMail, formTokens, postForm, type Agent } from '../helpers/accounts.ts';
import { placeAppointment } from '../helpers/kep.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { listeningPortal, twoTaxisnetCitizens } from '../helpers/taxisnet.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

const [, OWNER_AFM] = TEST_TAXPAYERS.map((t) => t.taxid.trim()) as [string, string];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SCHEDULE = '/staff/kep';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const REQUESTED = 'Βεβαίωση μόνιμης κατοικίας\nγια την εφορία';

let portal: Portal;
let areaId: number;
let ownerId: number;
let owner: Agent;
let other: Agent;
interface Staff {
  agent: Agent;
  id: number;
}
let clerkA: Staff;
let clerkB: Staff;
let manager: Staff;

beforeAll(async () => {
  portal = await listeningPortal();
  const db = portal.ctx.db;
  areaId = (
    (await db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerkA = await signedInStaff(portal.base, db, ['clerk']);
  clerkB = await signedInStaff(portal.base, db, ['clerk']);
  manager = await signedInStaff(portal.base, db, ['clerk', 'kep_manager']);
  ({ ownerId, owner, other } = await twoTaxisnetCitizens(portal, 'kep-outcome'));
});

afterAll(() => portal.close());

beforeEach(async () => {
  await portal.ctx.db.raw(
    `TRUNCATE kep_call_joins, kep_call_guests, kep_calls, kep_mail_files, kep_manage_tokens,
       kep_documents, kep_appointments`,
  );
  await drainMail(portal.ctx.deps);
});

let counter = 0;
/**
 * An appointment of the owner straight in the table, 20 minutes long: by default it started ten
 * minutes ago. Each is 45 minutes further from now than the last, so none overlap.
 */
async function anAppointment(
  options: {
    clerkId?: number;
    startsIn?: number;
    status?: string;
    lang?: 'el' | 'en';
    postalAddress?: string;
  } = {},
) {
  counter += 1;
  const startsIn = options.startsIn ?? -10 * MINUTE;
  const placed = await placeAppointment(portal.ctx.db, {
    areaId,
    clerkId: options.clerkId ?? clerkA.id,
    citizenId: ownerId,
    afm: OWNER_AFM,
    start: new Date(Date.now() + startsIn + Math.sign(startsIn) * counter * 45 * MINUTE),
    email: `outcome.${counter}@example.gr`,
    ...(options.status ? { status: options.status } : {}),
    ...(options.lang ? { lang: options.lang } : {}),
    ...(options.postalAddress ? { postalAddress: options.postalAddress } : {}),
  });
  const { id, reference, email } = placed;
  return { id, reference, email, page: `${SCHEDULE}/appointments/${id}` };
}
type Appointment = Awaited<ReturnType<typeof anAppointment>>;

const $ = (html: string) => cheerio.load(html);
const db = () => portal.ctx.db;
const statusOf = async (id: number) =>
  ((await db()('kep_appointments').where({ id }).first('status')) as { status: string }).status;
const callOf = async (id: number) =>
  (await db()('kep_calls').where({ appointment_id: id }).first()) as
    Record<string, unknown> | undefined;
const auditCount = async (action: string, id: number) =>
  Number(
    (
      (await db()('audit_log')
        .where({ action, entity_type: 'kep_appointment', entity_id: id })
        .count({ n: '*' })
        .first()) as { n: string }
    ).n,
  );

const recordOutcome = (agent: Agent, a: Appointment, fields: Record<string, string>) =>
  postForm(agent, a.page, `${a.page}/outcome`, fields);

/**
 * The delivery form sent as a browser sends it: multipart, a file or an empty file field, and the
 * session's CSRF token (taken from the sign-out form, which every staff page has, so that a
 * request the console offers no form for can be sent too).
 */
async function deliver(
  agent: Agent,
  a: Appointment,
  delivery: string,
  file?: { content: Buffer; name: string },
) {
  const tokens = await formTokens(agent, SCHEDULE, '/logout');
  const request = agent
    .post(`${a.page}/result`)
    .field('_csrf', tokens._csrf)
    .field('_submission', tokens._submission)
    .field('delivery', delivery);
  return file
    ? request.attach('result', file.content, {
        filename: file.name,
        contentType: 'application/pdf',
      })
    : request.attach('result', Buffer.alloc(0), {
        filename: '',
        contentType: 'application/octet-stream',
      });
}

async function onlyMail(): Promise<OutgoingMail> {
  const mails = await drainMail(portal.ctx.deps);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

async function served(a: Appointment) {
  expect(
    (await recordOutcome(clerkA.agent, a, { outcome: 'served', requested: REQUESTED })).status,
  ).toBe(303);
  await drainMail(portal.ctx.deps);
}

describe('recording the outcome', () => {
  it("is the appointment's clerk's: served closes it, audited, and the citizen is emailed", async () => {
    const a = await anAppointment();
    expect((await clerkB.agent.get(a.page)).status).toBe(404);
    expect(
      (await recordOutcome(clerkB.agent, a, { outcome: 'served', requested: REQUESTED })).status,
    ).toBe(404);
    expect(await callOf(a.id)).toBeUndefined();

    const panel = $((await clerkA.agent.get(a.page)).text);
    expect(panel('section#outcome[data-kep-swap] form[data-kep-console-form]')).toHaveLength(1);
    expect(
      panel('input[name="outcome"]')
        .map((_i, el) => panel(el).attr('value'))
        .get(),
    ).toEqual(['served', 'documents_missing', 'no_show', 'technical_failure']);

    const res = await recordOutcome(clerkA.agent, a, { outcome: 'served', requested: REQUESTED });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${a.page}#outcome`);
    expect(await statusOf(a.id)).toBe('done');
    expect(await callOf(a.id)).toMatchObject({
      outcome: 'served',
      outcome_requested: REQUESTED,
      outcome_by: clerkA.id,
      delivery_state: null,
    });
    expect(await auditCount('kep.call_outcome_recorded', a.id)).toBe(1);

    const mail = await onlyMail();
    expect(mail.to).toBe(a.email);
    expect(mail.subject).toBe('Το ραντεβού σας στο ΚΕΠ: εξυπηρετηθήκατε');
    expect(mail.text).toContain(a.reference);
    expect(mail.text).toContain('Βεβαίωση μόνιμης κατοικίας');
    expect(mail.text).toContain(`${portal.base}/kep/appointments/${a.id}`);
    expect(mail.text).not.toContain('/kep/book?again');
    expect(mail.html).toContain('Βεβαίωση μόνιμης κατοικίας');

    const after = $((await clerkA.agent.get(a.page)).text);
    expect(after('#outcome-recorded').attr('data-outcome')).toBe('served');
    expect(after('#outcome-kind-recorded').text()).toBe('Εξυπηρετήθηκε');
    expect(after('.app-kep-status').first().text()).toBe('Ολοκληρώθηκε');
    expect(after(`form[action="${a.page}/outcome"]`)).toHaveLength(0);
    expect(after(`form[action="${a.page}/result"][enctype="multipart/form-data"]`)).toHaveLength(1);

    // Once recorded it stands: a second one is refused, nothing mailed.
    const again = await recordOutcome(clerkA.agent, a, { outcome: 'no_show', requested: '' });
    expect(again.status).toBe(409);
    expect($(again.text)('#outcome-error').text()).toContain('έχει ήδη καταχωριστεί');
    expect(await statusOf(a.id)).toBe('done');
    expect(await drainMail(portal.ctx.deps)).toHaveLength(0);
  });

  it('is refused before the start and for an appointment no longer booked', async () => {
    const coming = await anAppointment({ startsIn: 2 * DAY });
    const page = $((await clerkA.agent.get(coming.page)).text);
    expect(page('#outcome-early').text()).toContain('αφού αρχίσει');
    expect(page(`form[action="${coming.page}/outcome"]`)).toHaveLength(0);
    const early = await recordOutcome(clerkA.agent, coming, { outcome: 'no_show' });
    expect(early.status).toBe(409);
    expect($(early.text)('.govuk-error-summary').text()).toContain('δεν έχει αρχίσει');
    expect(await statusOf(coming.id)).toBe('booked');

    const cancelled = await anAppointment({ status: 'cancelled' });
    expect($((await clerkA.agent.get(cancelled.page)).text)('#outcome-closed')).toHaveLength(1);
    expect((await recordOutcome(clerkA.agent, cancelled, { outcome: 'no_show' })).status).toBe(409);
    expect(await statusOf(cancelled.id)).toBe('cancelled');
    expect(await callOf(cancelled.id)).toBeUndefined();
    expect(await drainMail(portal.ctx.deps)).toHaveLength(0);
  });

  it('marks a no-show (a manager may, for any clerk) and offers the citizen a new booking', async () => {
    const a = await anAppointment({ clerkId: clerkB.id });
    const res = await recordOutcome(manager.agent, a, { outcome: 'no_show', requested: '' });
    expect(res.status).toBe(303);
    expect(await statusOf(a.id)).toBe('no_show');
    expect(await callOf(a.id)).toMatchObject({ outcome: 'no_show', outcome_requested: null });
    const mail = await onlyMail();
    expect(mail.subject).toBe('Δεν συνδεθήκατε στο ραντεβού σας στο ΚΕΠ');
    expect(mail.text).toContain(`${portal.base}/kep/book?again=${a.id}`);
    expect(mail.html).toContain(`href="${portal.base}/kep/book?again=${a.id}"`);

    const after = $((await manager.agent.get(a.page)).text);
    expect(after('.app-kep-status').first().text()).toBe('Δεν προσήλθε');
    expect(after('#delivery-none')).toHaveLength(1);
    expect(after(`form[action="${a.page}/result"]`)).toHaveLength(0);
  });

  it('writes the mail in the language the citizen booked in', async () => {
    const a = await anAppointment({ lang: 'en' });
    const res = await recordOutcome(clerkA.agent, a, {
      outcome: 'technical_failure',
      requested: '',
    });
    expect(res.status).toBe(303);
    expect(await statusOf(a.id)).toBe('done');
    const mail = await onlyMail();
    expect(mail.subject).toBe('Your ΚΕΠ appointment could not be completed');
    expect(mail.text).toContain('technical problem');
    expect(mail.text).toContain(`Book a new appointment: ${portal.base}/kep/book?again=${a.id}`);
  });

  it('answers a missing choice or request next to the field, in Greek and English', async () => {
    const a = await anAppointment();
    const none = await recordOutcome(clerkA.agent, a, { requested: 'κάτι' });
    expect(none.status).toBe(400);
    let page = $(none.text);
    expect(page('.govuk-error-summary a[href="#outcome-kind"]').text()).toBe('Επιλέξτε τι έγινε');
    expect(page('#outcome-kind-error').text()).toContain('Επιλέξτε τι έγινε');
    expect(page('#outcome-kind')).toHaveLength(1);
    expect(page('#outcome-requested').text()).toBe('κάτι');

    const short = await recordOutcome(clerkA.agent, a, { outcome: 'served', requested: ' ab ' });
    expect(short.status).toBe(400);
    page = $(short.text);
    expect(page('#outcome-requested-error').text()).toContain('3 έως 2.000');
    expect(page('#outcome-kind').is(':checked')).toBe(true);

    const long = await recordOutcome(clerkA.agent, a, {
      outcome: 'no_show',
      requested: 'α'.repeat(2001),
    });
    expect($(long.text)('#outcome-requested-error').text()).toContain('έως 2.000');

    await clerkA.agent.get(`${a.page}?lang=en`);
    const english = await recordOutcome(clerkA.agent, a, {
      outcome: 'documents_missing',
      requested: '',
    });
    expect(english.status).toBe(400);
    expect($(english.text)('#outcome-requested-error').text()).toContain(
      'Write what the citizen asked for',
    );
    const noChoice = await recordOutcome(clerkA.agent, a, { outcome: 'lost' });
    expect($(noChoice.text)('#outcome-kind-error').text()).toContain('Choose what happened');
    await clerkA.agent.get(`${a.page}?lang=el`);

    expect(await statusOf(a.id)).toBe('booked');
    expect(await callOf(a.id)).toBeUndefined();
    expect(await auditCount('kep.call_outcome_recorded', a.id)).toBe(0);
    expect(await drainMail(portal.ctx.deps)).toHaveLength(0);
  });
});

describe('delivering the document', () => {
  it('sends a PDF by email, attached, stored, audited; a non-PDF or no file is refused', async () => {
    const a = await anAppointment();
    await served(a);
    // Another clerk reaches nothing, file or not.
    expect(
      (await deliver(clerkB.agent, a, 'emailed', { content: PDF, name: 'x.pdf' })).status,
    ).toBe(404);

    const notPdf = await deliver(clerkA.agent, a, 'emailed', {
      content: Buffer.from('GIF89a not a pdf'),
      name: 'βεβαίωση.pdf',
    });
    expect(notPdf.status).toBe(400);
    expect($(notPdf.text)('#delivery-file-error').text()).toContain('PDF');
    expect($(notPdf.text)('#delivery-method').is(':checked')).toBe(true);
    const tooLarge = await deliver(clerkA.agent, a, 'emailed', {
      content: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]),
      name: 'μεγάλο.pdf',
    });
    expect(tooLarge.status).toBe(400);
    expect($(tooLarge.text)('#delivery-file-error').text()).toContain('έως 10 MB');
    const noFile = await deliver(clerkA.agent, a, 'emailed');
    expect(noFile.status).toBe(400);
    expect($(noFile.text)('#delivery-file-error').text()).toContain('Επιλέξτε το έγγραφο');
    expect(await callOf(a.id)).toMatchObject({ delivery_state: null, result_document_key: null });

    const res = await deliver(clerkA.agent, a, 'emailed', {
      content: PDF,
      name: 'βεβαίωση κατοικίας.pdf',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${a.page}#outcome`);
    const call = (await callOf(a.id))!;
    expect(call).toMatchObject({
      delivery_state: 'emailed',
      delivered_by: clerkA.id,
      result_file_name: 'βεβαίωση κατοικίας.pdf',
    });
    const key = call.result_document_key as string;
    expect(await readFile(portal.ctx.deps.documents.pathOf(key))).toEqual(PDF);
    expect(await auditCount('kep.call_result_delivered', a.id)).toBe(1);

    const mail = await onlyMail();
    expect(mail.to).toBe(a.email);
    expect(mail.subject).toBe('Το έγγραφό σας από το ΚΕΠ');
    expect(mail.text).toContain('βεβαίωση κατοικίας.pdf');
    expect(mail.attachments).toEqual([
      { fileName: 'βεβαίωση κατοικίας.pdf', documentKey: key, contentType: 'application/pdf' },
    ]);

    const after = $((await clerkA.agent.get(a.page)).text);
    expect(after('#delivery-done').attr('data-delivery')).toBe('emailed');
    expect(after('#delivery-file-link').attr('href')).toBe(`${a.page}/result`);
    const download = await clerkA.agent.get(`${a.page}/result`).buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/pdf/);

    // Once only.
    const again = await deliver(clerkA.agent, a, 'pickup_ready');
    expect(again.status).toBe(409);
    expect($(again.text)('.govuk-error-summary').text()).toContain('έχει ήδη καταχωριστεί');
    expect(await drainMail(portal.ctx.deps)).toHaveLength(0);
  });

  it('records a posting (to the address given) or a pick-up, emailing the citizen', async () => {
    const noAddress = await anAppointment();
    await served(noAddress);
    const refused = await deliver(clerkA.agent, noAddress, 'posted');
    expect(refused.status).toBe(400);
    expect($(refused.text)('#delivery-method-error').text()).toContain('ταχυδρομική διεύθυνση');
    const pickup = await deliver(clerkA.agent, noAddress, 'pickup_ready');
    expect(pickup.status).toBe(303);
    expect((await callOf(noAddress.id))!.delivery_state).toBe('pickup_ready');
    const pickupMail = await onlyMail();
    expect(pickupMail.subject).toBe('Το έγγραφό σας είναι έτοιμο στο ΚΕΠ');
    expect(pickupMail.attachments).toBeUndefined();

    const posted = await anAppointment({
      postalAddress: 'Κουντούρου 1, 72100 Άγιος Νικόλαος',
      lang: 'en',
    });
    await served(posted);
    await clerkA.agent.get(`${posted.page}?lang=en`);
    const noChoice = await deliver(clerkA.agent, posted, '');
    expect(noChoice.status).toBe(400);
    expect($(noChoice.text)('#delivery-method-error').text()).toContain(
      'Choose how the document reaches the citizen',
    );
    await clerkA.agent.get(`${posted.page}?lang=el`);
    expect((await deliver(clerkA.agent, posted, 'posted')).status).toBe(303);
    const mail = await onlyMail();
    expect(mail.subject).toBe('Your document from the ΚΕΠ has been posted');
    expect(mail.text).toContain('Κουντούρου 1, 72100 Άγιος Νικόλαος');
    expect(await auditCount('kep.call_result_delivered', posted.id)).toBe(1);
  });

  it('is refused when no document follows the outcome', async () => {
    const a = await anAppointment();
    expect((await recordOutcome(clerkA.agent, a, { outcome: 'technical_failure' })).status).toBe(
      303,
    );
    await drainMail(portal.ctx.deps);
    expect(
      $((await clerkA.agent.get(a.page)).text)(`form[action="${a.page}/result"]`),
    ).toHaveLength(0);
    const res = await deliver(clerkA.agent, a, 'pickup_ready');
    expect(res.status).toBe(409);
    expect($(res.text)('.govuk-error-summary a[href="#outcome-delivery"]').text()).toContain(
      'Δεν υπάρχει έγγραφο',
    );
    expect((await callOf(a.id))!.delivery_state).toBeNull();
    expect(await drainMail(portal.ctx.deps)).toHaveLength(0);
  });
});

describe("the citizen's appointment page", () => {
  it('shows the outcome and the document, downloadable by its owner only', async () => {
    const a = await anAppointment();
    expect($((await owner.get(`/kep/appointments/${a.id}`)).text)('#outcome')).toHaveLength(0);
    await served(a);
    let page = $((await owner.get(`/kep/appointments/${a.id}`)).text);
    expect(page('#outcome').attr('data-outcome')).toBe('served');
    expect(page('#outcome-kind').text()).toBe('Εξυπηρετηθήκατε');
    expect(page('#outcome-requested').text()).toBe(REQUESTED);
    expect(page('#outcome-awaiting')).toHaveLength(1);
    expect(page('#outcome-book-again')).toHaveLength(0);

    expect(
      (await deliver(clerkA.agent, a, 'emailed', { content: PDF, name: 'έγγραφο.pdf' })).status,
    ).toBe(303);
    page = $((await owner.get(`/kep/appointments/${a.id}?lang=en`)).text);
    expect(page('#outcome-kind').text()).toBe('You were served');
    expect(page('#outcome-delivery').attr('data-delivery')).toBe('emailed');
    const href = page('#outcome-download').attr('href')!;
    expect(href).toBe(`/kep/appointments/${a.id}/result`);
    await owner.get(`/kep/appointments/${a.id}?lang=el`);

    const download = await owner
      .get(href)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/pdf/);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['cache-control']).toContain('no-store');
    expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);

    // Another citizen, changing nothing but signing in as themselves: not found.
    expect((await other.get(href)).status).toBe(404);
    expect((await other.get(`/kep/appointments/${a.id}`)).status).toBe(404);
    const anonymous = await portal.agent().get(href);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toContain('/auth/taxisnet');
    // A clerk's session is no TaxisNet sign-in either.
    expect((await clerkA.agent.get(href)).status).toBe(403);
  });

  it('offers a new booking after a failed call; a posted document has no download', async () => {
    const failed = await anAppointment();
    expect((await recordOutcome(clerkA.agent, failed, { outcome: 'no_show' })).status).toBe(303);
    const page = $((await owner.get(`/kep/appointments/${failed.id}`)).text);
    expect(page('#outcome-kind').text()).toBe('Δεν συνδεθήκατε στη βιντεοκλήση');
    expect(page('#outcome-book-again').attr('href')).toBe(`/kep/book?again=${failed.id}`);
    expect((await owner.get(`/kep/appointments/${failed.id}/result`)).status).toBe(404);

    const posted = await anAppointment({ postalAddress: 'Κουντούρου 1' });
    await served(posted);
    expect((await deliver(clerkA.agent, posted, 'posted')).status).toBe(303);
    const postedPage = $((await owner.get(`/kep/appointments/${posted.id}`)).text);
    expect(postedPage('#outcome-delivery').attr('data-delivery')).toBe('posted');
    expect(postedPage('#outcome-download')).toHaveLength(0);
    expect((await owner.get(`/kep/appointments/${posted.id}/result`)).status).toBe(404);
  });
});

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFrom, drainMail, formTokens, postForm } from '../helpers/accounts.ts';
import {
  aFine,
  FILES,
  fineCitizen,
  lookUp,
  movableClock,
  postObjection,
} from '../helpers/fines.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { formatRf } from '../../src/lib/rf.ts';

const clock = movableClock('2026-03-10T10:00:00Z');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
});
afterAll(() => ctx.close());

const $ = (html: string) => cheerio.load(html);
const summary = (html: string) => $(html)('.govuk-error-summary').text();
const DRIVER_AFM = afmFrom('45678912');
const driverFields = (text = 'Δεν οδηγούσα εγώ το όχημα εκείνη την ώρα.') => ({
  capacity: 'driver',
  driverAfm: DRIVER_AFM,
  declaration: 'yes',
  text,
});
const storedFiles = async () =>
  readdir(path.join(ctx.deps.config.UPLOAD_DIR, 'documents')).catch(() => [] as string[]);

/** A citizen who has looked the fine up (so may see it). */
async function citizenWith(
  fine: { noticeNumber: string; plate: string },
  lang: 'el' | 'en' = 'el',
) {
  const citizen = await fineCitizen(ctx.app, ctx.db, { lang });
  await lookUp(citizen.agent, fine.noticeNumber, fine.plate);
  return citizen;
}

describe('an objection to a fine', () => {
  it('is filed by a driver with AFM, text and files (by content), audited, emailed and queued', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine);
    await drainMail(ctx.deps);
    const page = await citizen.agent.get(`/fines/${fine.id}`);
    expect($(page.text)(`a[href="/fines/${fine.id}/objection"]`).length).toBe(1);
    const res = await postObjection(citizen.agent, fine.id, driverFields(), [
      { content: FILES.pdf, name: 'κλήση.pdf', type: 'application/pdf' },
      // Named as a PDF, but a PNG by its content: kept as a PNG.
      { content: FILES.png, name: 'photo.pdf', type: 'application/pdf' },
      { content: FILES.jpeg, name: 'IMG_1.JPG', type: 'image/jpeg' },
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/fines/${fine.id}`);
    const objection = (await ctx.db('fine_objections').where({ fine_id: fine.id }).first()) as {
      id: number;
      capacity: string;
      driver_afm: string;
      user_id: number;
      status: string;
    };
    expect(objection).toMatchObject({
      capacity: 'driver',
      driver_afm: DRIVER_AFM,
      user_id: citizen.id,
      status: 'submitted',
    });
    const files = (await ctx
      .db('fine_objection_files')
      .where({ objection_id: objection.id })
      .orderBy('id')) as { media_type: string; file_name: string }[];
    expect(files.map((f) => [f.file_name, f.media_type])).toEqual([
      ['κλήση.pdf', 'application/pdf'],
      ['photo.png', 'image/png'],
      ['IMG_1.jpg', 'image/jpeg'],
    ]);
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'fine.objection_submitted', entity_id: objection.id })
      .first();
    expect(audit).toMatchObject({ user_id: citizen.id, entity_type: 'fine_objection' });
    const mail = (await drainMail(ctx.deps)).filter((m) => m.to === citizen.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain(fine.noticeNumber);
    expect(mail[0]!.text).toContain('3 συνημμένα');
    expect(mail[0]!.html).toContain(`/fines/${fine.id}`);
    const after = await citizen.agent.get(`/fines/${fine.id}`);
    expect($(after.text)('.govuk-notification-banner').text()).toContain('υποβλήθηκε');
    expect($(after.text)('#fine-status').text()).toBe('Σε ένσταση');
    expect($(after.text)('.app-objection').attr('data-status')).toBe('submitted');

    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const queue = await finance.agent.get('/staff/finance/objections');
    expect(queue.status).toBe(200);
    const link = $(queue.text)(`a[href="/staff/finance/objections/${objection.id}"]`);
    expect(link.text()).toBe(fine.noticeNumber);
    expect(link.closest('tr').text()).toContain('30 Απριλίου 2026');
  });

  it('is sent in English to an English-speaking citizen', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine, 'en');
    await drainMail(ctx.deps);
    expect((await postObjection(citizen.agent, fine.id, driverFields())).status).toBe(303);
    const mail = (await drainMail(ctx.deps)).find((m) => m.to === citizen.email)!;
    expect(mail.subject).toBe(`Your objection to fine ${fine.noticeNumber}`);
    expect(mail.text).toContain('finance office will examine it');
  });

  it('says what is wrong at each field, in Greek and English, and keeps nothing', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine);
    const before = await storedFiles();
    const res = await postObjection(
      citizen.agent,
      fine.id,
      { capacity: 'driver', driverAfm: '123456789', text: '  ' },
      [{ content: FILES.pdf, name: 'a.pdf' }],
    );
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('#driverAfm-error').text()).toContain('ψηφίο ελέγχου');
    expect(page('#declaration-error').text()).toContain('οδηγούσατε');
    expect(page('#text-error').text()).toContain('Γράψτε');
    expect(page('#files-error').text()).toContain('ξανά');
    expect(page('.govuk-error-summary a[href="#driverAfm"]').length).toBe(1);
    expect(await storedFiles()).toEqual(before);
    await citizen.agent.get('/fines?lang=en');
    const en = await postObjection(citizen.agent, fine.id, {
      capacity: 'driver',
      driverAfm: '',
      declaration: 'yes',
      text: 'x',
    });
    expect($(en.text)('#driverAfm-error').text()).toContain('Enter your tax number');
    const wrongType = await postObjection(citizen.agent, fine.id, driverFields(), [
      {
        content: Buffer.from('<html>not a pdf</html>'),
        name: 'evidence.pdf',
        type: 'application/pdf',
      },
    ]);
    expect(wrongType.status).toBe(400);
    expect($(wrongType.text)('#files-error').text()).toContain('PDF, JPEG or PNG');
    expect(await ctx.db('fine_objections').where({ fine_id: fine.id })).toEqual([]);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a file over 10 MB', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine);
    const big = Buffer.concat([FILES.pdf, Buffer.alloc(10 * 1024 * 1024)]);
    const res = await postObjection(citizen.agent, fine.id, driverFields(), [
      { content: big, name: 'big.pdf', type: 'application/pdf' },
    ]);
    expect(res.status).toBe(400);
    expect($(res.text)('#files-error').text()).toContain('10 MB');
    expect(await ctx.db('fine_objections').where({ fine_id: fine.id })).toEqual([]);
  });

  it('lets only the verified owner object as owner', async () => {
    const afm = afmFrom('56789123');
    const fine = await aFine(ctx.db, { ownerAfm: afm });
    const driver = await citizenWith(fine);
    const asOwner = await postObjection(driver.agent, fine.id, {
      capacity: 'owner',
      text: 'Είμαι ο ιδιοκτήτης.',
    });
    expect(asOwner.status).toBe(400);
    expect($(asOwner.text)('.govuk-error-summary').text()).toContain('ιδιοκτήτης/τρια');
    const owner = await fineCitizen(ctx.app, ctx.db, { afm });
    const form = await owner.agent.get(`/fines/${fine.id}/objection`);
    expect($(form.text)('input[name="capacity"][value="owner"]').length).toBe(1);
    const res = await postObjection(owner.agent, fine.id, {
      capacity: 'owner',
      text: 'Το όχημα είχε κλαπεί.',
    });
    expect(res.status).toBe(303);
    expect(
      await ctx.db('fine_objections').where({ fine_id: fine.id }).select('capacity', 'driver_afm'),
    ).toEqual([{ capacity: 'owner', driver_afm: null }]);
  });

  it("keeps the verified owner's objection whatever a stranger with the ticket's details filed", async () => {
    const afm = afmFrom('56789124');
    const fine = await aFine(ctx.db, { ownerAfm: afm });
    const stranger = await citizenWith(fine);
    expect(
      (await postObjection(stranger.agent, fine.id, driverFields('Δεν ήμουν εκεί.'))).status,
    ).toBe(303);
    await ctx.db('fine_objections').where({ fine_id: fine.id }).update({
      status: 'rejected',
      decision_reason: 'Αβάσιμη.',
      decided_at: new Date(),
    });
    // The driver's objection is spent, for the stranger and for anyone else who is not the owner.
    const other = await citizenWith(fine);
    expect(
      $((await other.agent.get(`/fines/${fine.id}/objection`)).text)('#objection-closed').text(),
    ).toContain('έχει ήδη υποβληθεί και κριθεί');
    const owner = await fineCitizen(ctx.app, ctx.db, { afm });
    const res = await postObjection(owner.agent, fine.id, {
      capacity: 'owner',
      text: 'Το όχημα είχε κλαπεί.',
    });
    expect(res.status).toBe(303);
    // Examined now: nothing more is filed meanwhile.
    const form = $((await owner.agent.get(`/fines/${fine.id}/objection`)).text);
    expect(form('#objection-closed').text()).toContain('Εξετάζεται ήδη');
  });

  it('closes after the objection deadline, with a clear message', async () => {
    // Offence on 1 March 2026 (Athens): 60 days, so the last day is 30 April 2026.
    const fine = await aFine(ctx.db, { offenceAt: '2026-03-01T08:15:00Z' });
    // Signed in at the time the test looks at (a session lasts 12 hours at most).
    clock.set('2026-04-30T20:59:00Z'); // 23:59 on 30 April in Athens: still open
    const citizen = await citizenWith(fine);
    const path = `/fines/${fine.id}/objection`;
    const open = await citizen.agent.get(path);
    expect($(open.text)('form[enctype="multipart/form-data"]').length).toBe(1);
    const tokens = await formTokens(citizen.agent, path, path);
    clock.set('2026-04-30T21:01:00Z'); // 00:01 on 1 May in Athens
    const page = await citizen.agent.get(`/fines/${fine.id}`);
    expect($(page.text)('#objection-closed').text()).toContain('έληξε στις 30 Απριλίου 2026');
    expect($(page.text)(`a[href="${path}"]`).length).toBe(0);
    const form = await citizen.agent.get(path);
    expect($(form.text)('form[enctype="multipart/form-data"]').length).toBe(0);
    expect($(form.text)('#objection-closed').text()).toContain('έληξε');
    // A form left open in a tab from before is refused when sent.
    const res = await postObjection(citizen.agent, fine.id, driverFields(), [], tokens);
    expect(res.status).toBe(400);
    expect(summary(res.text)).toContain('έληξε');
    expect(await ctx.db('fine_objections').where({ fine_id: fine.id })).toEqual([]);
    clock.set('2026-03-10T10:00:00Z');
  });

  it('takes one pending objection per fine: a second try and a race each get a clear message', async () => {
    const fine = await aFine(ctx.db);
    const first = await citizenWith(fine);
    const second = await citizenWith(fine);
    const path = `/fines/${fine.id}/objection`;
    const secondTab = await formTokens(second.agent, path, path);
    const firstTab = await formTokens(first.agent, path, path);
    expect((await postObjection(first.agent, fine.id, driverFields(), [], firstTab)).status).toBe(
      303,
    );
    const again = await postObjection(second.agent, fine.id, driverFields(), [], secondTab);
    expect(again.status).toBe(400);
    expect(summary(again.text)).toContain('Εξετάζεται ήδη ένσταση');
    expect(
      $((await second.agent.get(`/fines/${fine.id}`)).text)('#objection-closed').text(),
    ).toContain('Εξετάζεται ήδη');

    const raced = await aFine(ctx.db);
    const a = await citizenWith(raced);
    const b = await citizenWith(raced);
    const racedPath = `/fines/${raced.id}/objection`;
    const tabs = [
      await formTokens(a.agent, racedPath, racedPath),
      await formTokens(b.agent, racedPath, racedPath),
    ];
    const results = await Promise.all([
      postObjection(a.agent, raced.id, driverFields('Πρώτη.'), [], tabs[0]),
      postObjection(b.agent, raced.id, driverFields('Δεύτερη.'), [], tabs[1]),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 400]);
    expect(summary(results.find((r) => r.status === 400)!.text)).toMatch(
      /Εξετάζεται ήδη|Έχει ήδη υποβληθεί ένσταση/,
    );
    expect(await ctx.db('fine_objections').where({ fine_id: raced.id }).count()).toEqual([
      { count: 1 },
    ]);
  });

  it("is not offered on another citizen's fine (404)", async () => {
    const fine = await aFine(ctx.db);
    await citizenWith(fine);
    const stranger = await fineCitizen(ctx.app, ctx.db);
    expect((await stranger.agent.get(`/fines/${fine.id}/objection`)).status).toBe(404);
    const other = await aFine(ctx.db);
    await lookUp(stranger.agent, other.noticeNumber, other.plate);
    // Tokens from a form the stranger may see, sent to the fine they may not.
    const res = await stranger.agent
      .post(`/fines/${fine.id}/objection`)
      .field('_csrf', await csrfFrom(stranger.agent, `/fines/${other.id}/objection`))
      .field('capacity', 'driver')
      .field('driverAfm', DRIVER_AFM)
      .field('declaration', 'yes')
      .field('text', 'x');
    expect(res.status).toBe(404);
    expect(await ctx.db('fine_objections').where({ fine_id: fine.id })).toEqual([]);
  });
});

describe("the finance office's decision", () => {
  it('is recorded with its reason, audited, emailed and shown on the fine page; files are for finance only', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine);
    await postObjection(citizen.agent, fine.id, driverFields(), [
      { content: FILES.pdf, name: 'απόδειξη.pdf', type: 'application/pdf' },
    ]);
    const objection = (await ctx.db('fine_objections').where({ fine_id: fine.id }).first()) as {
      id: number;
    };
    const file = (await ctx
      .db('fine_objection_files')
      .where({ objection_id: objection.id })
      .first()) as {
      id: number;
    };
    await drainMail(ctx.deps);
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const base = `/staff/finance/objections/${objection.id}`;
    const page = await finance.agent.get(base);
    expect($(page.text)('#objection-text').text()).toContain('Δεν οδηγούσα');
    expect($(page.text)('main').text()).toContain(DRIVER_AFM);
    const download = await finance.agent.get(`${base}/files/${file.id}`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(Buffer.from(download.body as Buffer).equals(FILES.pdf)).toBe(true);
    expect(
      (await finance.agent.get(`/staff/finance/objections/${objection.id + 1000}/files/${file.id}`))
        .status,
    ).toBe(404);
    // Neither the citizen nor other staff reach the queue or the files.
    expect((await citizen.agent.get(`${base}/files/${file.id}`)).status).toBe(403);
    const handler = await signedInStaff(ctx.app, ctx.db, ['handler']);
    expect((await handler.agent.get(`${base}/files/${file.id}`)).status).toBe(403);
    expect((await handler.agent.get('/staff/finance/objections')).status).toBe(403);

    const empty = await postForm(finance.agent, base, `${base}/decision`, {
      outcome: 'rejected',
      reason: '',
    });
    expect(empty.status).toBe(400);
    expect($(empty.text)('#reason-error').text()).toContain('αιτιολογία');
    const none = await postForm(finance.agent, `${base}?lang=en`, `${base}/decision`, {
      reason: 'x',
    });
    expect($(none.text)('#outcome-error').text()).toContain('Choose accept or reject');
    await finance.agent.get(`${base}?lang=el`);

    const res = await postForm(finance.agent, base, `${base}/decision`, {
      outcome: 'rejected',
      reason: 'Η φωτογραφία της κάμερας δείχνει το όχημα.',
    });
    expect(res.status).toBe(303);
    expect(await ctx.db('fine_objections').where({ id: objection.id }).first()).toMatchObject({
      status: 'rejected',
      decided_by: finance.id,
      decision_reason: 'Η φωτογραφία της κάμερας δείχνει το όχημα.',
    });
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'fine.objection_decided', entity_id: objection.id })
        .first(),
    ).toMatchObject({ actor_id: finance.id, user_id: citizen.id });
    const mail = (await drainMail(ctx.deps)).filter((m) => m.to === citizen.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain(fine.noticeNumber);
    expect(mail[0]!.text).toContain('απέρριψε');
    expect(mail[0]!.text).toContain('Η φωτογραφία της κάμερας δείχνει το όχημα.');
    // What to do next: pay the fine by its RF code.
    expect(mail[0]!.text).toContain(`με τον κωδικό πληρωμής ${formatRf(fine.rf)}`);
    // A fine takes one objection: once decided, it is not filed again, by anyone.
    const fineAfter = $((await citizen.agent.get(`/fines/${fine.id}`)).text);
    expect(fineAfter('#objection-closed').text()).toContain('έχει ήδη υποβληθεί και κριθεί');
    const form = $((await citizen.agent.get(`/fines/${fine.id}/objection`)).text);
    expect(form('#objection-closed').text()).toContain('έχει ήδη υποβληθεί και κριθεί');
    expect(form('form[enctype="multipart/form-data"]').length).toBe(0);

    const second = await postForm(finance.agent, base, `${base}/decision`, {
      outcome: 'accepted',
      reason: 'x',
    });
    expect(second.status).toBe(400);
    expect(summary(second.text)).toContain('έχει ήδη ληφθεί απόφαση');
    const fresh = await finance.agent.get(base);
    expect($(fresh.text)('form[action$="/decision"]').length).toBe(0);
    expect($(fresh.text)('#decision-reason').text()).toContain('κάμερας');

    const citizenPage = await citizen.agent.get(`/fines/${fine.id}`);
    const decided = $(citizenPage.text)('.app-objection');
    expect(decided.attr('data-status')).toBe('rejected');
    expect(decided.text()).toContain('Η φωτογραφία της κάμερας δείχνει το όχημα.');
    expect($(citizenPage.text)('#fine-status').text()).toBe('Απλήρωτο');
    // Decided, the fine takes no new objection: a fine is objected to once.
    expect($(citizenPage.text)(`a[href="/fines/${fine.id}/objection"]`).length).toBe(0);

    const queue = await finance.agent.get('/staff/finance/objections');
    expect(queue.text).not.toContain(`href="${base}"`);
    const rejected = await finance.agent.get('/staff/finance/objections?status=rejected');
    expect(rejected.text).toContain(`href="${base}"`);
    const all = await finance.agent.get('/staff/finance/objections?status=all&lang=en');
    expect(all.text).toContain(`href="${base}"`);
  });

  it('a decision after a colleague has decided is refused with a message', async () => {
    const fine = await aFine(ctx.db);
    const citizen = await citizenWith(fine);
    await postObjection(citizen.agent, fine.id, driverFields());
    const objection = (await ctx.db('fine_objections').where({ fine_id: fine.id }).first()) as {
      id: number;
    };
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    const base = `/staff/finance/objections/${objection.id}`;
    const page = await finance.agent.get(base);
    const token = $(page.text)(`form[action="${base}/decision"] input[name="_csrf"]`).attr(
      'value',
    )!;
    await ctx
      .db('fine_objections')
      .where({ id: objection.id })
      .update({ status: 'accepted', decision_reason: 'Δεκτή.', decided_at: new Date() });
    const res = await finance.agent
      .post(`${base}/decision`)
      .type('form')
      .send({ _csrf: token, outcome: 'rejected', reason: 'Όχι.' });
    expect(res.status).toBe(400);
    expect(summary(res.text)).toContain('έχει ήδη ληφθεί απόφαση');
    expect((await finance.agent.get('/staff/finance/objections/999999')).status).toBe(404);
  });

  it('lists the queue oldest first, with who objected', async () => {
    const finance = await signedInStaff(ctx.app, ctx.db, ['finance']);
    await ctx.db('fine_objections').where({ status: 'submitted' }).delete();
    const older = await aFine(ctx.db);
    const newer = await aFine(ctx.db);
    const a = await citizenWith(newer);
    const b = await citizenWith(older);
    clock.set('2026-03-10T10:40:00Z');
    await postObjection(a.agent, newer.id, driverFields());
    clock.set('2026-03-10T10:20:00Z');
    await postObjection(b.agent, older.id, driverFields());
    clock.set('2026-03-10T10:00:00Z');
    const queue = $((await finance.agent.get('/staff/finance/objections')).text);
    const numbers = queue('tbody tr td:first-child a')
      .map((_i, el) => queue(el).text())
      .get();
    expect(numbers).toEqual([older.noticeNumber, newer.noticeNumber]);
    expect(queue('tbody tr').first().text()).toContain('Πολίτης');
  });
});

/**
 * The citizen's own data in the identity check, TaxisNet, the roll, dues, fines and polls (each
 * module's exportFor, exportFiles, eraseFor and retention rules), and a citizen who used every
 * service of these modules and the ΚΕΠ and certificates: their download holds each kind of data
 * and nothing of another citizen; their erasure leaves nothing naming them in these modules' tables
 * but what the law keeps (the registers, the issued certificate). And the forms' notices.
 */
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { MODULES } from '../../src/features/index.ts';
import { verifyIdentity } from '../../src/features/identity/staff/counter.service.ts';
import type { Module, Person } from '../../src/features/module.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';
import {
  createActiveUser,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
  type Agent,
} from '../helpers/accounts.ts';
import { binary, freshAfm, insertRollPerson, insertRollRecord } from '../helpers/certificates.ts';
import {
  insertArrangement,
  insertDebt,
  insertDebtPayment,
  insertFine,
} from '../helpers/finance.ts';
import { FILES, lookUp, movableClock, postObjection } from '../helpers/fines.ts';
import { placeAppointment } from '../helpers/kep.ts';
import { castVote, insertPoll } from '../helpers/polls.ts';
import { rowsHolding, runQueuedExports, unzip } from '../helpers/privacy.ts';
import { insertRequest, insertRequestPhoto } from '../helpers/requests.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
const clock = movableClock('2026-03-10T10:00:00Z');
const moduleNamed = (name: string): Module => MODULES.find((m) => m.name === name)!;
/** The modules these tests are about. */
const OURS = ['taxisnet', 'fines', 'dues', 'roll', 'certificates', 'kep', 'polls', 'identity'].map(
  moduleNamed,
);

let ctx: TestContext;
let clerkId: number;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
  clerkId = (await signedInStaff(ctx.app, ctx.db, ['clerk'])).id;
}, 120_000);
afterAll(() => ctx.close());

const exportOf = async (name: string, person: Person) =>
  JSON.stringify(await moduleNamed(name).exportFor!(person, ctx.db));

let made = 0;
/**
 * A citizen signed in with a password, whose identity a clerk checked at the counter (AFM
 * recorded, document masked), TaxisNet-linked with that AFM, with a phone; on the roll as the
 * head of a family record (spouse too), with a debt, an arrangement and a payment.
 */
async function aCitizen(given: string, surname: string) {
  made += 1;
  const afm = freshAfm();
  const fullName = `${given} ${surname}`;
  const phone = `+3069${String(70_000_000 + made * 7919 + Math.floor(Math.random() * 1000))}`;
  const user = await createActiveUser(ctx.db, `registers.${made}.${afm}`, {
    full_name: fullName,
    phone_e164: phone,
    taxisnet_afm: afm,
    taxisnet_linked_at: clock.now(),
  });
  const outcome = await verifyIdentity(
    ctx.deps,
    user.id,
    { documentType: 'identity_card', documentNumber: `ΑΚ${afm.slice(0, 6)}`, afm, present: 'yes' },
    clerkId,
    {},
  );
  expect(outcome).toEqual([]);
  const recordId = await insertRollRecord(ctx.db, { address: `Οδός ${surname} 3, Ηράκλειο` });
  const head = await insertRollPerson(ctx.db, recordId, { given_name: given, surname, afm });
  const spouse = await insertRollPerson(ctx.db, recordId, {
    relation: 'spouse',
    given_name: `Σύζυγος${surname}`,
    surname,
    sex: 'F',
  });
  const debt = await insertDebt(ctx.db, { afm, amountCents: 12_345, dueDate: '2026-06-30' });
  await insertDebtPayment(ctx.db, {
    debtId: debt.id,
    rf: debt.rf,
    amountCents: 2_345,
    paidAt: '2026-02-01T10:00:00Z',
  });
  const arrangement = await insertArrangement(ctx.db, {
    afm,
    decidedOn: '2026-01-15',
    instalments: [
      { dueDate: '2026-02-15', amountCents: 5_000, paidCents: 5_000 },
      { dueDate: '2026-03-15', amountCents: 5_000 },
    ],
  });
  const agent = newAgent(ctx.app);
  expect((await signIn(agent, user.username, user.password)).status).toBe(303);
  const email = `user.registers.${made}.${afm}@example.gr`;
  const person: Person = { userId: user.id, afm, email, phone };
  return {
    id: user.id,
    afm,
    fullName,
    email,
    phone,
    agent,
    person,
    head,
    spouse,
    debt,
    arrangement,
  };
}
type Citizen = Awaited<ReturnType<typeof aCitizen>>;

const userOf = async (id: number) => (await ctx.db<UserRow>('users').where({ id }).first())!;

/** A fine of `owner` (AFM) the citizen looks up, and objects to as its driver, with a file. */
async function aFineObjectedTo(citizen: Citizen, ownerAfm: string | null) {
  made += 1;
  const noticeNumber = `2026-77${made}${Math.floor(Math.random() * 1000)}`;
  const plate = `ΗΡΚ${1000 + made}`;
  const fine = await insertFine(ctx.db, {
    noticeNumber,
    plate,
    ownerAfm,
    offenceAt: '2026-03-08T08:15:00Z',
    amountCents: 8_000,
    dueDate: '2026-05-01',
  });
  expect((await lookUp(citizen.agent, noticeNumber, plate)).status).toBe(303);
  const objection = await postObjection(
    citizen.agent,
    fine.id,
    {
      capacity: 'driver',
      driverAfm: citizen.afm,
      declaration: 'yes',
      text: `Οδηγούσε ο ${citizen.fullName}, υπήρχε λόγος.`,
    },
    [{ content: FILES.pdf, name: 'απόδειξη στάθμευσης.pdf', type: 'application/pdf' }],
  );
  expect(objection.status, objection.text.slice(0, 300)).toBe(303);
  return { ...fine, noticeNumber, plate };
}

describe('each module’s download', () => {
  it('identity: the checks as stored, masked, without the clerk or the hash', async () => {
    const citizen = await aCitizen('Ιωάννα', 'Ελευθεριάδου');
    const other = await aCitizen('Ξανθίππη', 'Αλλοτινού');
    const exported = (await moduleNamed('identity').exportFor!(citizen.person, ctx.db)) as {
      identityChecks: Record<string, unknown>[];
    };
    expect(exported.identityChecks).toEqual([
      {
        document_type: 'identity_card',
        document_number_masked: expect.stringMatching(/^ΑΚ.*\d\d$/) as unknown,
        document_number_hashed: true,
        afm: citizen.afm,
        channel: 'counter',
        checked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        revoked_at: null,
        revoke_reason: null,
      },
    ]);
    expect(JSON.stringify(exported)).not.toContain(other.afm);
    expect(JSON.stringify(exported)).not.toContain('argon2');
  });

  it('taxisnet: the link; roll: their own entry only; dues: what they owe and paid', async () => {
    const citizen = await aCitizen('Σταμάτης', 'Φραγκιαδάκης');
    const other = await aCitizen('Ξενοκράτης', 'Αλλοτινός');
    expect(await moduleNamed('taxisnet').exportFor!(citizen.person, ctx.db)).toEqual({
      link: { afm: citizen.afm, linkedAt: clock.now().toISOString() },
    });

    const roll = (await moduleNamed('roll').exportFor!(citizen.person, ctx.db)) as {
      entry: Record<string, unknown>;
    };
    expect(roll.entry).toMatchObject({
      given_name: 'Σταμάτης',
      surname: 'Φραγκιαδάκης',
      afm: citizen.afm,
      relation: 'head',
      record_address: 'Οδός Φραγκιαδάκης 3, Ηράκλειο',
    });
    // Never the spouse on the same record: another citizen.
    expect(JSON.stringify(roll)).not.toContain(citizen.spouse.given_name);

    const dues = await exportOf('dues', citizen.person);
    for (const kind of [
      citizen.debt.rf,
      citizen.arrangement.instalments[1]!.rf,
      '"paid_at":"2026-02-01T10:00:00.000Z"',
    ])
      expect(dues).toContain(kind);
    for (const text of [
      await exportOf('dues', citizen.person),
      await exportOf('roll', citizen.person),
    ]) {
      expect(text).not.toContain(other.afm);
      expect(text).not.toContain(other.debt.rf);
      expect(text).not.toContain('Ξενοκράτης');
    }
  });

  it('roll and dues: nothing by an AFM whose identity check was revoked', async () => {
    const citizen = await aCitizen('Ανδρονίκη', 'Ανακλημένη');
    await ctx.db('users').where({ id: citizen.id }).update({
      identity_verified_at: null,
      identity_channel: null,
      taxisnet_afm: null,
      taxisnet_linked_at: null,
    });
    expect(await moduleNamed('roll').exportFor!(citizen.person, ctx.db)).toEqual({ entry: null });
    expect(await moduleNamed('dues').exportFor!(citizen.person, ctx.db)).toEqual({
      debts: [],
      arrangements: [],
      payments: [],
    });
  });

  it('fines: those looked up and those owned, the objections and their files', async () => {
    const citizen = await aCitizen('Μιλτιάδης', 'Κλησάκης');
    const other = await aCitizen('Ξενάκης', 'Αλλότριος');
    const looked = await aFineObjectedTo(citizen, other.afm);
    const owned = await insertFine(ctx.db, {
      noticeNumber: `2026-OWN-${citizen.afm}`,
      plate: 'ΗΡΚ9999',
      ownerAfm: citizen.afm,
      offenceAt: '2026-03-01T08:15:00Z',
      amountCents: 4_000,
      dueDate: '2026-05-01',
    });
    const others = await aFineObjectedTo(other, other.afm);
    const exported = (await moduleNamed('fines').exportFor!(citizen.person, ctx.db)) as {
      finesLookedUp: { noticeNumber: string; fine: Record<string, unknown> }[];
      finesAsOwner: Record<string, unknown>[];
      fineObjections: Record<string, unknown>[];
    };
    expect(exported.finesLookedUp).toMatchObject([
      { noticeNumber: looked.noticeNumber, fine: { plate: looked.plate, amount_cents: 8000 } },
    ]);
    expect(exported.finesAsOwner).toMatchObject([{ notice_number: `2026-OWN-${citizen.afm}` }]);
    expect(exported.fineObjections).toMatchObject([
      {
        noticeNumber: looked.noticeNumber,
        capacity: 'driver',
        driverAfm: citizen.afm,
        files: [{ name: 'απόδειξη στάθμευσης.pdf' }],
      },
    ]);
    const text = JSON.stringify(exported);
    // The fine's owner is another citizen: their AFM is not the looker's data.
    expect(text).not.toContain(other.afm);
    expect(text).not.toContain(others.noticeNumber);
    expect(owned.rf).toBeTruthy();

    const files = await moduleNamed('fines').exportFiles!(citizen.person, ctx.db);
    expect(files).toHaveLength(1);
    expect(files[0]!.path).toMatch(
      new RegExp(`^${looked.noticeNumber}/\\d+-απόδειξη_στάθμευσης\\.pdf$`),
    );
    expect(await ctx.deps.documents.exists(files[0]!.documentKey)).toBe(true);
  });
});

describe('the retention rule polls.forget-erased-afms', () => {
  it('drops the AFMs left on erased votes of polls closed by now, not of those still open, and counts them', async () => {
    const now = clock.now();
    const closedJustBefore = await insertPoll(ctx.db, {
      now,
      opensAt: new Date(now.getTime() - 2 * DAY),
      closesAt: new Date(now.getTime() - MINUTE),
      electorate: 'verified',
    });
    const closesJustAfter = await insertPoll(ctx.db, {
      now,
      opensAt: new Date(now.getTime() - 2 * DAY),
      closesAt: new Date(now.getTime() + MINUTE),
      electorate: 'verified',
    });
    const [erasedClosed, erasedOpen, votingClosed] = [freshAfm(), freshAfm(), freshAfm()];
    const voter = await aCitizen('Ψηφοφόρος', 'Κανονικός');
    await ctx.db('poll_voters').insert([
      {
        poll_id: closedJustBefore,
        user_id: null,
        afm: erasedClosed,
        channel: 'web',
        voted_on: '2026-03-09',
      },
      {
        poll_id: closesJustAfter,
        user_id: null,
        afm: erasedOpen,
        channel: 'web',
        voted_on: '2026-03-09',
      },
      // Not erased: an account's vote keeps its AFM (one vote per AFM).
      {
        poll_id: closedJustBefore,
        user_id: voter.id,
        afm: votingClosed,
        channel: 'phone',
        voted_on: '2026-03-09',
      },
    ]);
    const rule = moduleNamed('polls').retention!.find(
      (r) => r.name === 'polls.forget-erased-afms',
    )!;
    expect(moduleNamed('polls').jobs ?? []).toEqual([]);
    expect(await rule.run(ctx.deps)).toBe(1);
    const afmOf = async (pollId: number, userId: number | null) =>
      (
        (await ctx.db('poll_voters').where({ poll_id: pollId, user_id: userId }).first('afm')) as {
          afm: string | null;
        }
      ).afm;
    expect(await afmOf(closedJustBefore, null)).toBeNull();
    expect(await afmOf(closesJustAfter, null)).toBe(erasedOpen);
    expect(await afmOf(closedJustBefore, voter.id)).toBe(votingClosed);
    expect(await rule.run(ctx.deps)).toBe(0);
    expect(ctx.deps.i18n.t('el')(rule.labelKey)).toContain('ΑΦΜ');
    expect(ctx.deps.i18n.t('en')(rule.labelKey)).toContain('AFM');
  });
});

/** Everything one citizen leaves in these modules and the ΚΕΠ and certificates. */
async function aCitizenWhoUsedEverything(given: string, surname: string) {
  const citizen = await aCitizen(given, surname);
  const fine = await aFineObjectedTo(citizen, null);
  // A ΚΕΠ appointment that happened (needs, a document, a call with a helper, a result PDF) and
  // one to come.
  const areaId = (
    (await ctx.db('kep_areas').where({ slug: 'municipal' }).first('id')) as { id: number }
  ).id;
  const who = {
    areaId,
    clerkId,
    citizenId: citizen.id,
    afm: citizen.afm,
    fullName: citizen.fullName,
    email: citizen.email,
  };
  const past = await placeAppointment(ctx.db, {
    ...who,
    start: new Date(clock.now().getTime() - 2 * DAY - made * 30 * MINUTE),
    status: 'done',
  });
  await ctx
    .db('kep_appointments')
    .where({ id: past.id })
    .update({
      phone_e164: citizen.phone,
      needs_other: `Ανάγκες του ${surname}`,
    });
  const documentKey = await ctx.deps.documents.save(PDF, 'pdf');
  await ctx.db('kep_documents').insert({
    appointment_id: past.id,
    document_key: documentKey,
    file_name: `${surname}.pdf`,
    content_type: 'application/pdf',
    size_bytes: PDF.length,
  });
  const resultKey = await ctx.deps.documents.save(PDF, 'pdf');
  await ctx.db('kep_calls').insert({
    appointment_id: past.id,
    identity_result: 'confirmed',
    identity_document_type: 'passport',
    identity_document_masked: 'Π•••••12',
    identity_checked_at: past.startsAt,
    outcome: 'served',
    outcome_at: past.endsAt,
    outcome_requested: `Βεβαίωση για ${citizen.fullName}`,
    delivery_state: 'emailed',
    delivered_at: past.endsAt,
    result_document_key: resultKey,
    result_file_name: 'αποτέλεσμα.pdf',
  });
  await ctx.db('kep_call_guests').insert({
    appointment_id: past.id,
    name: `Βοηθός ${surname}`,
    email: `helper.${citizen.afm}@example.gr`,
    relation: 'relative',
  });
  const coming = await placeAppointment(ctx.db, {
    ...who,
    start: new Date(clock.now().getTime() + 3 * DAY + made * 30 * MINUTE),
  });
  // A certificate applied for and issued at once (the roll holds every field).
  const applied = await ctx.services.certificates.apply({
    user: await userOf(citizen.id),
    typeCode: 'registration',
    subject: 'self',
    delivery: 'email',
    channel: 'web',
  });
  expect(applied).toMatchObject({ ok: true, issued: true });
  // A vote.
  const poll = await insertPoll(ctx.db, { now: clock.now(), electorate: 'verified' });
  expect(
    await castVote(ctx.services, {
      user: { id: citizen.id },
      pollId: poll,
      option: 2,
      channel: 'web',
    }),
  ).toMatchObject({ ok: true });
  return { ...citizen, fine, past, coming, documentKey, resultKey, poll };
}

describe('a citizen who used every service', () => {
  it('downloads each kind of their data, and nothing of another citizen', async () => {
    const citizen = await aCitizenWhoUsedEverything('Ευτέρπη', 'Πανταχούσα');
    const other = await aCitizenWhoUsedEverything('Ξενοφώντας', 'Ξενοδοχειάδης');
    const parts: Record<string, string> = {};
    for (const module of OURS)
      parts[module.name] = JSON.stringify(await module.exportFor!(citizen.person, ctx.db));
    expect(parts.kep).toContain(citizen.past.reference);
    expect(parts.kep).toContain('Ανάγκες του Πανταχούσα');
    expect(parts.kep).toContain('Π•••••12');
    expect(parts.kep).toContain('Βοηθός Πανταχούσα');
    expect(parts.certificates).toContain('"status":"issued"');
    expect(parts.identity).toContain(citizen.afm);
    expect(parts.polls).toContain(`"poll":${citizen.poll}`);
    expect(parts.fines).toContain(citizen.fine.noticeNumber);
    expect(parts.taxisnet).toContain(citizen.afm);
    expect(parts.roll).toContain('Πανταχούσα');
    expect(parts.dues).toContain(citizen.debt.rf);
    const all = Object.values(parts).join('\n');
    for (const absent of [
      other.fullName,
      'Ξενοδοχειάδης',
      other.email,
      other.phone,
      other.afm,
      other.past.reference,
      other.fine.noticeNumber,
      other.debt.rf,
    ])
      expect(all).not.toContain(absent);
    const files = (
      await Promise.all(OURS.map((module) => module.exportFiles?.(citizen.person, ctx.db) ?? []))
    ).flat();
    expect(files.map((f) => f.documentKey)).toEqual(
      expect.arrayContaining([citizen.documentKey, citizen.resultKey]),
    );
    expect(files).toHaveLength(4); // the ΚΕΠ document and result, the certificate, the objection's file
  });

  it('is erased: nothing in these modules names them but the registers and the issued certificate', async () => {
    const citizen = await aCitizenWhoUsedEverything('Καλλιόπη', 'Σβησμενάκη');
    const other = await aCitizenWhoUsedEverything('Ξενοφώντας', 'Παραμενάκης');
    await eraseInOneTransaction(ctx.deps, citizen.person, OURS);

    expect(await ctx.db('kep_appointments').where({ id: citizen.coming.id }).first()).toMatchObject(
      {
        status: 'cancelled',
        full_name: null,
      },
    );
    expect(await ctx.db('fine_access').where({ user_id: citizen.id })).toEqual([]);
    expect(await ctx.db('poll_voters').where({ user_id: citizen.id })).toEqual([]);
    expect(await ctx.db('identity_checks').where({ user_id: citizen.id }).first()).toMatchObject({
      afm: null,
      document_number_masked: null,
      document_number_hash: null,
      clerk_id: clerkId,
      channel: 'counter',
    });

    // What the law keeps: the roll, dues and fines registers (the fine's appeal with them), the
    // issued certificate and its application; the account row (emptied by the account's own
    // deletion, not here) and the audit trail are other modules'.
    const kept =
      /^(users|audit_log|roll_persons|roll_records|debts|arrangements|fines|fine_objections|certificates|certificate_applications|poll_voters|one_time_links|sign_in_failures|session|rate_limits): /;
    for (const needle of [citizen.fullName, citizen.email, citizen.phone, citizen.afm]) {
      const rows = (await rowsHolding(ctx.db, needle)).filter((row) => !kept.test(row));
      expect(rows, needle).toEqual([]);
    }
    // The vote still counts, naming no account; its AFM stays while the poll is open (nobody votes
    // twice from a new account), and goes when it closes (polls.forget-erased-afms).
    expect(await ctx.db('poll_voters').where({ afm: citizen.afm })).toEqual([
      expect.objectContaining({ poll_id: citizen.poll, user_id: null }),
    ]);
    // The certificate's application keeps its holder, not the account's email or phone.
    for (const needle of [citizen.email, citizen.phone])
      expect(
        (await rowsHolding(ctx.db, needle)).filter((row) => row.startsWith('certificate')),
      ).toEqual([]);
    // Another citizen keeps everything.
    expect(await ctx.db('kep_appointments').where({ id: other.past.id }).first()).toMatchObject({
      full_name: other.fullName,
    });
    expect(await ctx.db('fine_access').where({ user_id: other.id })).toHaveLength(1);
  });
});

describe('the forms’ privacy notices', () => {
  const noticeOf = (html: string, form: string) => {
    const $ = cheerio.load(html);
    return $(`form[action="${form}"] .privacy-notice`);
  };

  it('fines: the look-up and the objection, in Greek and English', async () => {
    const citizen = await aCitizen('Ειδοποιήσιμος', 'Πρόστιμος');
    const fine = await aFineObjectedTo(citizen, null);
    const fresh = await insertFine(ctx.db, {
      noticeNumber: `2026-NEW-${citizen.afm}`,
      plate: 'ΗΡΚ5555',
      offenceAt: '2026-03-08T08:15:00Z',
      amountCents: 8_000,
      dueDate: '2026-05-01',
    });
    await lookUp(citizen.agent, `2026-NEW-${citizen.afm}`, 'ΗΡΚ5555');
    expect(fine.id).not.toBe(fresh.id);
    for (const [lang, lookupText, objectionText] of [
      ['el', 'κρατάμε μόνο ποια κλήση βρήκατε', 'οικονομικής υπηρεσίας'],
      ['en', 'we keep only which fine you found', 'finance office'],
    ] as const) {
      const list = await citizen.agent.get(`/fines?lang=${lang}`);
      expect(noticeOf(list.text, '/fines').text()).toContain(lookupText);
      const objection = await citizen.agent.get(`/fines/${fresh.id}/objection?lang=${lang}`);
      const notice = noticeOf(objection.text, `/fines/${fresh.id}/objection`);
      expect(notice.text()).toContain(objectionText);
      expect(notice.next().is('.govuk-button-group')).toBe(true);
    }
  });

  it('polls: the vote’s confirmation says nobody sees the vote, in Greek and English', async () => {
    const citizen = await aCitizen('Ψηφίζουσα', 'Ειδοποιημένη');
    const poll = await insertPoll(ctx.db, { now: clock.now() });
    for (const [lang, text] of [
      ['el', 'Κανείς δεν βλέπει τι ψηφίσατε'],
      ['en', 'Nobody sees how you voted'],
    ] as const) {
      await citizen.agent.get(`/polls/${poll}?lang=${lang}`);
      const confirm = await postForm(citizen.agent, `/polls/${poll}`, `/polls/${poll}/vote`, {
        choice: '2',
      });
      expect(confirm.status).toBe(200);
      const notice = noticeOf(confirm.text, `/polls/${poll}/vote/confirm`);
      expect(notice.text()).toContain(text);
    }
  });

  it('taxisnet: the link form, in Greek and English', async () => {
    const { username, password } = await createActiveUser(ctx.db, `registers.link.${freshAfm()}`);
    const agent: Agent = newAgent(ctx.app);
    await signIn(agent, username, password);
    for (const [lang, text] of [
      ['el', 'δεν τα αποθηκεύουμε'],
      ['en', 'we do not store them'],
    ] as const) {
      const page = await agent.get(`/account/taxisnet?lang=${lang}`);
      expect(noticeOf(page.text, '/account/taxisnet').text()).toContain(text);
    }
  });
});

describe('the whole portal, through its pages', () => {
  it('downloads one ZIP with every service’s data, then deletes the account leaving only what the law keeps', async () => {
    const citizen = await aCitizenWhoUsedEverything('Ιφιγένεια', 'Ολικοπούλου');
    const other = await aCitizenWhoUsedEverything('Ξενοφώντας', 'Αλλοτινός');
    // The services beyond this file's modules: a request with a photo, a call to the phone line,
    // accessibility feedback from the account's email; the other citizen the same.
    const filed = async (who: Citizen) => {
      const request = await insertRequest(ctx.db, who.id, 'pothole', {
        title: `Λακκούβα ${who.fullName}`,
        description: `Γράφει ${who.fullName}, τηλέφωνο ${who.phone}.`,
      });
      await insertRequestPhoto(ctx.deps, request.id);
      await ctx.db('phone_calls').insert({
        call_sid: `CA${who.afm}${made}`,
        caller_e164: who.phone,
        user_id: who.id,
        lang: 'el',
        started_at: clock.now(),
      });
      await ctx.db('accessibility_feedback').insert({
        what: `Δεν διαβάζεται ο χάρτης, ${who.fullName}`,
        name: who.fullName,
        email: who.email,
        lang: 'el',
        created_at: clock.now(),
      });
      return request;
    };
    const request = await filed(citizen);
    const othersRequest = await filed(other);

    await drainMail(ctx.deps);
    expect((await postForm(citizen.agent, '/account/data', '/account/data', {})).status).toBe(303);
    expect(await runQueuedExports(ctx.deps)).toBe(1);
    const link = linkIn((await drainMail(ctx.deps))[0]!, '/account/data/download');
    const page = cheerio.load((await citizen.agent.get(link)).text);
    const zip = await citizen.agent
      .post(link)
      .type('form')
      .send({ _csrf: page('input[name="_csrf"]').attr('value') })
      .buffer(true)
      .parse(binary);
    expect(zip.status).toBe(200);
    const entries = await unzip(zip.body as Buffer);
    const names = [...entries.keys()];
    for (const part of [
      'accounts',
      'requests',
      'phone',
      'kep',
      'certificates',
      'identity',
      'polls',
      'fines',
      'taxisnet',
      'roll',
      'dues',
      'accessibility',
    ])
      expect(names, part).toContain(`${part}.json`);
    expect(names).toContain(`requests/${request.url}/photo-1.jpg`);
    expect(names.filter((name) => name.startsWith('kep/'))).toHaveLength(2);
    expect(names.filter((name) => name.startsWith('certificates/'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('fines/'))).toHaveLength(1);
    const text = (name: string) => entries.get(name)!.toString();
    expect(text('requests.json')).toContain(`Λακκούβα ${citizen.fullName}`);
    expect(text('kep.json')).toContain('Ανάγκες του Ολικοπούλου');
    expect(text('accessibility.json')).toContain('Δεν διαβάζεται ο χάρτης');
    expect(text('accounts.json')).toContain(citizen.email);
    expect((JSON.parse(text('phone.json')) as { calls: unknown[] }).calls).toHaveLength(1);
    const everything = [...entries.values()].map((bytes) => bytes.toString('latin1')).join('\n');
    const readable = names
      .filter((name) => name.endsWith('.json'))
      .map(text)
      .join('\n');
    for (const absent of [other.fullName, 'Αλλοτινός', other.email, other.phone, other.afm])
      expect(readable, absent).not.toContain(absent);
    expect(everything).not.toContain(othersRequest.url);

    expect((await postForm(citizen.agent, '/account/delete', '/account/delete', {})).status).toBe(
      303,
    );
    const confirm = linkIn((await drainMail(ctx.deps))[0]!, '/account/delete/confirm');
    const form = cheerio.load((await citizen.agent.get(confirm)).text);
    const deleted = await citizen.agent
      .post(confirm)
      .type('form')
      .send({ _csrf: form('input[name="_csrf"]').attr('value') });
    expect(deleted.headers.location).toBe('/account/deleted');
    const mails = await drainMail(ctx.deps);
    expect(mails.map((mail) => mail.to)).toEqual([citizen.email, citizen.email]);
    expect(await ctx.db('requests').where({ id: request.id }).first('status', 'user_id')).toEqual({
      status: 'closed',
      user_id: null,
    });

    // Searched across every table: only the registers the municipality keeps by law, the issued
    // certificate and its application, and the open poll's AFM (until it closes) still hold them.
    const kept =
      /^(roll_persons|roll_records|debts|arrangements|fines|fine_objections|certificates|certificate_applications|poll_voters): /;
    for (const needle of [citizen.fullName, citizen.email, citizen.phone, citizen.afm]) {
      const rows = await rowsHolding(ctx.db, needle);
      expect(
        rows.filter((row) => !kept.test(row)),
        needle,
      ).toEqual([]);
    }
    for (const needle of [citizen.email, citizen.phone])
      expect(await rowsHolding(ctx.db, needle), needle).toEqual([]);
    // The other citizen keeps everything.
    expect((await rowsHolding(ctx.db, other.email)).length).toBeGreaterThan(3);
  });
});

/**
 * The ΚΕΠ's part of the citizen's own data (kep.module.ts): the download (every appointment of
 * theirs as stored, its needs and documents, the call's facts, log and helpers; the documents and
 * result PDFs as files), the account's deletion (an appointment to come cancelled as the citizen's
 * own cancellation is, with its email; every appointment left naming nobody, files removed), the
 * retention rule kep.retention (exactly what is due, counted), and the booking form's notice.
 */
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kepModule } from '../../src/features/kep/kep.module.ts';
import { newManageLink } from '../../src/features/kep/kep.mail.ts';
import { GUEST_LINK } from '../../src/features/kep/call/guests.service.ts';
import { buildArchive } from '../../src/features/privacy/export-archive.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';
import type { Person } from '../../src/features/module.ts';
import { athensDate } from '../../src/lib/format.ts';
import { issueLink } from '../../src/lib/one-time-links.ts';
import { createActiveUser, drainMail, postForm, type Agent } from '../helpers/accounts.ts';
import { placeAppointment } from '../helpers/kep.ts';
import { rowsHolding, unzip } from '../helpers/privacy.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { listeningPortal, twoTaxisnetCitizens } from '../helpers/taxisnet.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

/** The owner's details on their appointments, each distinctive enough to search every table for. */
const OWNER = {
  fullName: 'Ειρήνη Σταυρακάκη-Πρωτοψάλτη',
  email: 'eirini.protopsalti@example.gr',
  phone: '+306971234509',
  address: 'Οδός Κουντουριώτη 77, 72100 Άγιος Νικόλαος',
  needs: 'Διερμηνέας νοηματικής, παρακαλώ',
};
const HELPER = { name: 'Νικηφόρος Βοηθάκης', email: 'nikiforos.helper@example.gr' };
const OTHER = {
  fullName: 'Χαράλαμπος Ξενοδοχάκης',
  email: 'xenodochakis.other@example.gr',
  needs: 'ΞΕΝΗ-ΑΝΑΓΚΗ-ΑΛΛΟΥ',
  document: 'ξένο-έγγραφο.pdf',
};

let portal: Portal;
let areaId: number;
let clerk: { agent: Agent; id: number };
let ownerId: number;
let owner: Agent;
let ownerAfm: string;
let otherAfm: string;
let person: Person;

const db = () => portal.ctx.db;
const deps = () => portal.ctx.deps;

beforeAll(async () => {
  portal = await listeningPortal();
  areaId = (
    (await db()('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerk = await signedInStaff(portal.base, db(), ['clerk']);
  await db()('kep_clerk_areas').insert({ clerk_id: clerk.id, area_id: areaId });
  // Every day, long hours: the booking form has free times whenever the test runs.
  await db()('kep_clerk_hours').insert(
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      clerk_id: clerk.id,
      weekday,
      starts: '07:00',
      ends: '21:00',
    })),
  );
  ({ ownerId, owner, ownerAfm, otherAfm } = await twoTaxisnetCitizens(portal, 'kep-privacy'));
  person = { userId: ownerId, afm: ownerAfm, email: OWNER.email, phone: OWNER.phone };
});

afterAll(() => portal.close());

beforeEach(async () => {
  await db().raw(
    `TRUNCATE kep_call_joins, kep_call_guests, kep_calls, kep_mail_files, kep_manage_tokens,
       kep_documents, kep_appointments`,
  );
  await db()('one_time_links').where({ purpose: GUEST_LINK }).delete();
  await drainMail(deps());
});

/** An appointment that ended `endedAgo` before now (negative: still to come), 20 minutes long. */
async function anAppointment(
  endedAgo: number,
  who: { citizenId: number | null; afm: string; fullName: string; email: string },
  status = 'done',
) {
  const start = new Date(Date.now() - endedAgo - 20 * MINUTE);
  const placed = await placeAppointment(db(), {
    areaId,
    clerkId: clerk.id,
    start,
    status,
    ...who,
  });
  return { ...placed, start };
}

async function stored(name: string, appointmentId: number) {
  const key = await deps().documents.save(PDF, 'pdf');
  await db()('kep_documents').insert({
    appointment_id: appointmentId,
    document_key: key,
    file_name: name,
    content_type: 'application/pdf',
    size_bytes: PDF.length,
  });
  return key;
}

/**
 * Everything a call leaves: the identity check (document masked), the outcome with what was asked
 * and the result PDF, a helper with their invitation link, who entered when, a manage link.
 */
async function aCall(appointmentId: number, citizenId: number | null, at: Date) {
  const resultKey = await deps().documents.save(PDF, 'pdf');
  await db()('kep_calls').insert({
    appointment_id: appointmentId,
    identity_result: 'confirmed',
    identity_document_type: 'identity_card',
    identity_document_masked: 'ΑΚ••••57',
    identity_account: 'verified',
    identity_checked_at: at,
    identity_checked_by: clerk.id,
    outcome: 'served',
    outcome_requested: 'Βεβαίωση μόνιμης κατοικίας για την εφορία',
    outcome_at: at,
    outcome_by: clerk.id,
    delivery_state: 'emailed',
    delivered_at: at,
    delivered_by: clerk.id,
    result_document_key: resultKey,
    result_file_name: 'βεβαίωση κατοικίας.pdf',
  });
  const [guest] = (await db()('kep_call_guests')
    .insert({
      appointment_id: appointmentId,
      name: HELPER.name,
      email: HELPER.email,
      relation: 'interpreter',
      invited_by: clerk.id,
      invited_at: at,
      token_issued_at: at,
      admitted_at: at,
    })
    .returning('id')) as { id: number }[];
  await issueLink(db(), {
    purpose: GUEST_LINK,
    expiresAt: new Date(at.getTime() + 30 * MINUTE),
    data: { guestId: guest!.id },
  });
  await db()('kep_call_joins').insert([
    { appointment_id: appointmentId, role: 'clerk', user_id: clerk.id, joined_at: at },
    { appointment_id: appointmentId, role: 'citizen', user_id: citizenId, joined_at: at },
    { appointment_id: appointmentId, role: 'guest', guest_id: guest!.id, joined_at: at },
  ]);
  await newManageLink(deps(), db(), appointmentId);
  return { resultKey, guestId: guest!.id };
}

const ownerWho = () => ({
  citizenId: ownerId,
  afm: ownerAfm,
  fullName: OWNER.fullName,
  email: OWNER.email,
});

/** The owner's past appointment (needs, a document, a call) and one to come; another's too. */
async function aCitizenWhoUsedTheKep() {
  const past = await anAppointment(3 * DAY, ownerWho());
  await db()('kep_appointments').where({ id: past.id }).update({
    phone_e164: OWNER.phone,
    postal_address: OWNER.address,
    delivery: 'post',
    needs_sign_language: true,
    needs_other: OWNER.needs,
  });
  const documentKey = await stored('η ταυτότητά μου (1).pdf', past.id);
  const call = await aCall(past.id, ownerId, new Date(past.start.getTime() + 5 * MINUTE));
  // Booked by a clerk for the owner's AFM, with no account: theirs all the same.
  const coming = await anAppointment(
    -2 * DAY,
    { ...ownerWho(), citizenId: null, email: 'eirini.coming@example.gr' },
    'booked',
  );
  await db()('kep_appointments').where({ id: coming.id }).update({ phone_e164: OWNER.phone });
  await newManageLink(deps(), db(), coming.id);
  const others = await anAppointment(
    2 * DAY,
    { citizenId: null, afm: otherAfm, fullName: OTHER.fullName, email: OTHER.email },
    'done',
  );
  await db()('kep_appointments').where({ id: others.id }).update({ needs_other: OTHER.needs });
  const othersKey = await stored(OTHER.document, others.id);
  return { past, coming, others, documentKey, othersKey, ...call };
}

describe('the download', () => {
  it('holds each appointment as stored with its needs, documents, call, log and helpers, and nothing of another citizen', async () => {
    const made = await aCitizenWhoUsedTheKep();
    const exported = (await kepModule.exportFor!(person, db())) as {
      appointments: Record<string, unknown>[];
    };
    expect(exported.appointments.map((a) => a.reference)).toEqual([
      made.past.reference,
      made.coming.reference,
    ]);
    const past = exported.appointments[0]!;
    expect(past).toMatchObject({
      full_name: OWNER.fullName,
      email: OWNER.email,
      phone_e164: OWNER.phone,
      afm: ownerAfm,
      postal_address: OWNER.address,
      delivery: 'post',
      needs_sign_language: true,
      needs_other: OWNER.needs,
      status: 'done',
      area_el: 'Πληροφόρηση-Αίτηση',
      starts_at: made.past.startsAt.toISOString(),
      documents: [{ file_name: 'η ταυτότητά μου (1).pdf', content_type: 'application/pdf' }],
      call: {
        identity_result: 'confirmed',
        identity_document_type: 'identity_card',
        identity_document_masked: 'ΑΚ••••57',
        outcome: 'served',
        outcome_requested: 'Βεβαίωση μόνιμης κατοικίας για την εφορία',
        delivery_state: 'emailed',
        result_file_name: 'βεβαίωση κατοικίας.pdf',
      },
      helpers: [{ name: HELPER.name, relation: 'interpreter' }],
    });
    expect((past.callLog as { role: string }[]).map((j) => j.role).sort()).toEqual([
      'citizen',
      'clerk',
      'guest',
    ]);
    const text = JSON.stringify(exported);
    // Not the helper's email (theirs), not the clerk's account, not another citizen's anything.
    for (const absent of [HELPER.email, OTHER.fullName, OTHER.email, OTHER.needs, otherAfm])
      expect(text).not.toContain(absent);
    expect(text).not.toContain('kep-placed-room');
    expect(text).not.toMatch(/"clerk_id"|"citizen_id"|"room"/);
  });

  it('puts the documents and the result PDF in the ZIP under plain names', async () => {
    const made = await aCitizenWhoUsedTheKep();
    const files = await kepModule.exportFiles!(person, db());
    expect(files.map((f) => f.documentKey).sort()).toEqual(
      [made.documentKey, made.resultKey].sort(),
    );
    expect(files.map((f) => f.documentKey)).not.toContain(made.othersKey);
    const zip = await unzip(
      await buildArchive([kepModule], person, db(), deps().documents, () => 'README'),
    );
    const names = [...zip.keys()].sort();
    expect(names).toEqual(
      [
        'README.txt',
        'kep.json',
        `kep/${made.past.reference}/documents/${(await db()('kep_documents').where({ document_key: made.documentKey }).first<{ id: number }>('id'))!.id}-η_ταυτότητά_μου_1_.pdf`,
        `kep/${made.past.reference}/result-βεβαίωση_κατοικίας.pdf`,
      ].sort(),
    );
    expect(zip.get(`kep/${made.past.reference}/result-βεβαίωση_κατοικίας.pdf`)).toEqual(PDF);
  });
});

describe('the account’s deletion', () => {
  it('cancels the appointment to come with its email, and leaves no appointment naming the person', async () => {
    const made = await aCitizenWhoUsedTheKep();
    await eraseInOneTransaction(deps(), person, [kepModule]);

    const coming = (await db()('kep_appointments').where({ id: made.coming.id }).first()) as Record<
      string,
      unknown
    >;
    expect(coming).toMatchObject({ status: 'cancelled', cancelled_by: 'citizen' });
    const mails = await drainMail(deps());
    expect(mails.map((m) => m.to)).toEqual(['eirini.coming@example.gr']);
    expect(mails[0]!.subject).toBe('Ακύρωση του ραντεβού σας στο ΚΕΠ');
    expect(mails[0]!.text).toContain(made.coming.reference);
    expect(mails[0]!.text).toContain('Διαγράψατε τον λογαριασμό σας');

    // Kept for the ΚΕΠ's statistics: area, times, status, clerk, outcome; nothing that names them.
    const past = (await db()('kep_appointments').where({ id: made.past.id }).first()) as Record<
      string,
      unknown
    >;
    expect(past).toMatchObject({
      area_id: areaId,
      clerk_id: clerk.id,
      status: 'done',
      citizen_id: null,
      afm: null,
      full_name: null,
      email: null,
      phone_e164: null,
      postal_address: null,
      needs_sign_language: false,
      needs_other: null,
    });
    expect(past.personal_erased_at).toBeInstanceOf(Date);
    expect(await db()('kep_calls').where({ appointment_id: made.past.id }).first()).toMatchObject({
      identity_result: 'confirmed',
      identity_document_masked: null,
      outcome: 'served',
      outcome_requested: null,
      delivery_state: 'emailed',
      result_document_key: null,
      result_file_name: null,
    });
    expect(await db()('kep_documents').whereIn('appointment_id', [made.past.id])).toEqual([]);
    expect(
      await db()('kep_manage_tokens').whereIn('appointment_id', [made.past.id, made.coming.id]),
    ).toEqual([]);
    expect(await db()('one_time_links').where({ purpose: GUEST_LINK })).toEqual([]);
    expect(
      await db()('kep_call_joins').where({ appointment_id: made.past.id }).pluck('user_id'),
    ).not.toContain(ownerId);
    expect(await deps().documents.exists(made.documentKey)).toBe(false);
    expect(await deps().documents.exists(made.resultKey)).toBe(false);

    for (const needle of [
      OWNER.fullName,
      OWNER.email,
      'eirini.coming@example.gr',
      OWNER.phone,
      ownerAfm,
      OWNER.needs,
      HELPER.name,
      HELPER.email,
    ])
      expect((await rowsHolding(db(), needle)).filter((row) => row.startsWith('kep_'))).toEqual([]);

    // Another citizen's appointment is as it was.
    expect(await db()('kep_appointments').where({ id: made.others.id }).first()).toMatchObject({
      full_name: OTHER.fullName,
      needs_other: OTHER.needs,
    });
    expect(await deps().documents.exists(made.othersKey)).toBe(true);

    // The clerk's page of the appointment still opens, naming nobody.
    const page = await clerk.agent.get(`/staff/kep/appointments/${made.past.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(OWNER.fullName);
    const list = await clerk.agent.get(`/staff/kep?from=${athensDate(made.past.startsAt)}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('(διαγράφηκε με αίτημα του δημότη)');
  });

  it('changes nothing when the transaction fails, files included', async () => {
    const made = await aCitizenWhoUsedTheKep();
    await expect(
      eraseInOneTransaction(deps(), person, [kepModule], {
        after: () => Promise.reject(new Error('stop')),
      }),
    ).rejects.toThrow('stop');
    expect(await db()('kep_appointments').where({ id: made.coming.id }).first()).toMatchObject({
      status: 'booked',
      full_name: OWNER.fullName,
    });
    expect(await deps().documents.exists(made.documentKey)).toBe(true);
    expect(await deps().documents.exists(made.resultKey)).toBe(true);
    expect(await drainMail(deps())).toEqual([]);
  });
});

describe('the retention rule kep.retention', () => {
  const rule = () => kepModule.retention!.find((r) => r.name === 'kep.retention')!;

  it('is a rule, no longer a job, with its setting and a label in both languages', () => {
    expect(rule()).toMatchObject({ settingKey: 'kep.retentionDays', schedule: '40 3 * * *' });
    expect((kepModule.jobs ?? []).map((j) => j.name)).not.toContain('kep.retention');
    expect(deps().i18n.t('el')(rule().labelKey, { days: 30 })).toContain('30 ημέρες');
    expect(deps().i18n.t('en')(rule().labelKey, { days: 30 })).toContain('30 days');
  });

  it('erases the needs, documents and the call’s personal facts of what ended N days ago, not later ones, and counts them', async () => {
    /** An appointment ended `ago`, with needs, a document and a whole call. */
    const withEverything = async (ago: number) => {
      const a = await anAppointment(ago, ownerWho());
      await db()('kep_appointments')
        .where({ id: a.id })
        .update({ needs_lip_reading: true, needs_other: OWNER.needs });
      const documentKey = await stored('έγγραφο.pdf', a.id);
      const call = await aCall(a.id, ownerId, new Date(a.start.getTime() + 5 * MINUTE));
      return { ...a, documentKey, ...call };
    };
    const due = await withEverything(30 * DAY + 5 * MINUTE);
    const kept = await withEverything(30 * DAY - 5 * MINUTE);

    // Due: needs 1, document 1, guest link 1, helper 1, joins 3, call 1, manage link 1.
    expect(await rule().run(deps())).toBe(9);

    expect(await db()('kep_appointments').where({ id: due.id }).first()).toMatchObject({
      needs_lip_reading: false,
      needs_other: null,
      full_name: OWNER.fullName,
      status: 'done',
    });
    expect(await db()('kep_documents').pluck('document_key')).toEqual([kept.documentKey]);
    expect(await deps().documents.exists(due.documentKey)).toBe(false);
    expect(await deps().documents.exists(due.resultKey)).toBe(false);
    expect(await deps().documents.exists(kept.documentKey)).toBe(true);
    expect(await deps().documents.exists(kept.resultKey)).toBe(true);
    expect(
      await db()('kep_call_guests')
        .orderBy('id')
        .select('appointment_id', 'name', 'email', 'relation'),
    ).toEqual([
      { appointment_id: due.id, name: null, email: null, relation: 'interpreter' },
      { appointment_id: kept.id, name: HELPER.name, email: HELPER.email, relation: 'interpreter' },
    ]);
    expect(
      (await db()('one_time_links').where({ purpose: GUEST_LINK }).pluck('data')).map(
        (data: { guestId: number }) => data.guestId,
      ),
    ).toEqual([kept.guestId]);
    expect(await db()('kep_call_joins').distinct().pluck('appointment_id')).toEqual([kept.id]);
    expect(await db()('kep_manage_tokens').distinct().pluck('appointment_id')).toEqual([kept.id]);
    expect(await db()('kep_calls').where({ appointment_id: due.id }).first()).toMatchObject({
      identity_result: 'confirmed',
      identity_document_type: null,
      identity_document_masked: null,
      outcome: 'served',
      outcome_requested: 'Βεβαίωση μόνιμης κατοικίας για την εφορία',
      delivery_state: 'emailed',
      result_document_key: null,
      result_file_name: null,
    });
    expect(await db()('kep_calls').where({ appointment_id: kept.id }).first()).toMatchObject({
      identity_document_masked: 'ΑΚ••••57',
      result_document_key: kept.resultKey,
    });

    // Again: nothing more is due.
    expect(await rule().run(deps())).toBe(0);
  });
});

describe('the booking form’s privacy notice', () => {
  /** Area, the first free day and time, to the details step. */
  async function toTheDetails(agent: Agent) {
    const step = (path: string, fields: Record<string, string>) =>
      postForm(agent, `/kep/book/${path}`, `/kep/book/${path}`, fields);
    await agent.get('/kep/book');
    expect((await step('area', { area: String(areaId) })).headers.location).toBe('/kep/book/day');
    const days = cheerio.load((await agent.get('/kep/book/day')).text);
    const day = days('input[name="day"]').first().attr('value')!;
    expect((await step('day', { day })).headers.location).toBe('/kep/book/time');
    const times = cheerio.load((await agent.get('/kep/book/time')).text);
    const time = times('input[name="time"]').first().attr('value')!;
    expect((await step('time', { time })).headers.location).toBe('/kep/book/details');
  }

  it('says what, why, how long (the days set) and who, before the button, in Greek and English', async () => {
    await toTheDetails(owner);
    const el = cheerio.load((await owner.get('/kep/book/details')).text);
    const notice = el('form[action="/kep/book/details"] .privacy-notice');
    expect(notice.length).toBe(1);
    expect(notice.next().is('button[type="submit"]')).toBe(true);
    expect(notice.text()).toContain('ειδική κατηγορία');
    expect(notice.text()).toContain('30 ημέρες μετά το ραντεβού');
    expect(notice.text()).toContain('Μόνο ο υπάλληλος του ραντεβού σας');
    const en = cheerio.load((await owner.get('/kep/book/details?lang=en')).text);
    const english = en('.privacy-notice').text();
    expect(english).toContain('special-category data');
    expect(english).toContain('erased 30 days after the appointment');
    expect(english).toContain('Only the clerk of your appointment');
    await owner.get('/kep/book/details?lang=el');
  });
});

// A second clerk's account is never part of a citizen's download.
it('exports nothing for an account that never booked', async () => {
  const { id } = await createActiveUser(db(), 'kep-privacy-nobody');
  expect(await kepModule.exportFor!({ userId: id, afm: null }, db())).toEqual({ appointments: [] });
  expect(await kepModule.exportFiles!({ userId: id, afm: null }, db())).toEqual([]);
});

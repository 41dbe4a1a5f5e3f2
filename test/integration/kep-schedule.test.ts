import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoKep } from '../../src/features/kep/kep.demo.ts';
import { sendAppointmentMail } from '../../src/features/kep/kep.mail.ts';
import { eraseExpiredDetails } from '../../src/features/kep/retention.job.ts';
import { isValidAfm } from '../../src/lib/afm.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import { athensDateTime } from '../../src/lib/format.ts';
import { drainMail, postForm, type Agent } from '../helpers/accounts.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const MONDAY_0900 = new Date('2026-03-02T07:00:00Z'); // 09:00 in Athens
// The app's clock stays here (sessions are judged by it): started appointments are earlier.
const clock = { now: () => MONDAY_0900 };
const DAY = '2026-03-04'; // a Wednesday
const SCHEDULE = '/staff/kep';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let ctx: TestContext;
let areaId: number;
interface Staff {
  agent: Agent;
  id: number;
}
let clerkA: Staff;
let clerkB: Staff;
let manager: Staff;

const $ = (html: string) => cheerio.load(html);

beforeAll(async () => {
  ctx = await createTestContext({}, { clock });
  areaId = (
    (await ctx.db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerkA = await signedInStaff(ctx.app, ctx.db, ['clerk']);
  clerkB = await signedInStaff(ctx.app, ctx.db, ['clerk']);
  manager = await signedInStaff(ctx.app, ctx.db, ['clerk', 'kep_manager']);
  for (const { id } of [clerkA, clerkB, manager]) {
    await ctx.db('kep_clerk_areas').insert({ clerk_id: id, area_id: areaId });
    await ctx.db('kep_clerk_hours').insert(
      [1, 2, 3, 4, 5].flatMap((weekday) => [
        { clerk_id: id, weekday, starts: '09:00', ends: '11:00' },
        { clerk_id: id, weekday, starts: '11:30', ends: '15:00' },
      ]),
    );
  }
});

afterAll(() => ctx.close());

beforeEach(async () => {
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE',
  );
  await drainMail(ctx.deps);
});

let count = 0;
/** An appointment straight in the table: 20 minutes with the 10-minute buffer after it. */
async function anAppointment(
  clerkId: number,
  day: string,
  time: string,
  { status = 'booked', ...extra }: Record<string, unknown> = {},
): Promise<{ id: number; reference: string }> {
  count += 1;
  const start = athensInstant(day, time);
  const end = new Date(start.getTime() + 20 * 60_000);
  const [row] = (
    (await ctx.db.raw(
      `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email,
         starts_at, ends_at, buffered, room, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, tstzrange(?, ?), ?, ?) RETURNING id, reference`,
      [
        `ΚΕΠ-2026-${String(900_000 + count).padStart(6, '0')}`,
        areaId,
        clerkId,
        afmFrom(String(30_000_000 + count)),
        `Δημότης Δοκιμής ${count}`,
        `citizen.${count}@example.gr`,
        start,
        end,
        start,
        new Date(end.getTime() + 10 * 60_000),
        `kep-test-room-${count}-padding-padding`,
        String(status),
      ],
    )) as { rows: { id: number; reference: string }[] }
  ).rows;
  if (Object.keys(extra).length)
    await ctx.db('kep_appointments').where({ id: row!.id }).update(extra);
  return row!;
}

/** A PDF stored and attached to the appointment. */
async function aDocument(appointmentId: number) {
  const key = await ctx.deps.documents.save(PDF, 'pdf');
  const [doc] = (await ctx
    .db('kep_documents')
    .insert({
      appointment_id: appointmentId,
      document_key: key,
      file_name: 'ταυτότητα.pdf',
      content_type: 'application/pdf',
      size_bytes: PDF.length,
    })
    .returning('id')) as { id: number }[];
  return { id: doc!.id, key };
}

const auditCount = async (action: string, entityId: number) =>
  Number(
    (
      (await ctx
        .db('audit_log')
        .where({ action, entity_type: 'kep_appointment', entity_id: entityId })
        .count({ n: '*' })
        .first()) as { n: string }
    ).n,
  );

const statusOf = async (id: number) =>
  ((await ctx.db('kep_appointments').where({ id }).first('status')) as { status: string }).status;

describe('the schedule', () => {
  it("shows the clerk's own appointments by day, with the needs flag, not other clerks'", async () => {
    const own = await anAppointment(clerkA.id, DAY, '10:00', { needs_lip_reading: true });
    const other = await anAppointment(clerkB.id, DAY, '10:00');
    const res = await clerkA.agent.get(SCHEDULE);
    expect(res.status).toBe(200);
    const page = $(res.text);
    const row = page(`section[data-day="${DAY}"] tr[data-id="${own.id}"]`);
    expect(row.text()).toContain(own.reference);
    expect(row.text()).toContain('10:00–10:20');
    expect(row.find('.app-kep-needs')).toHaveLength(1);
    expect(row.find('.app-kep-status').text()).toBe('Κλεισμένο');
    expect(res.text).not.toContain(other.reference);
    expect(page('section.app-kep-day')).toHaveLength(8);
  });

  it('pages by ?from= and answers a bad date with a field message', async () => {
    const own = await anAppointment(clerkA.id, DAY, '10:00');
    const later = await clerkA.agent.get(`${SCHEDULE}?from=2026-03-05`);
    expect(later.status).toBe(200);
    expect(later.text).not.toContain(own.reference);
    const bad = await clerkA.agent.get(`${SCHEDULE}?from=2026-02-31&lang=en`);
    expect(bad.status).toBe(400);
    expect($(bad.text)('#from-error').text()).toContain('Enter a date that exists');
    expect(bad.text).toContain(own.reference);
    await clerkA.agent.get(`${SCHEDULE}?lang=el`);
  });

  it("shows a manager every clerk's, and one clerk's when filtered", async () => {
    const a = await anAppointment(clerkA.id, DAY, '10:00');
    const b = await anAppointment(clerkB.id, DAY, '11:30');
    const all = await manager.agent.get(SCHEDULE);
    expect(all.text).toContain(a.reference);
    expect(all.text).toContain(b.reference);
    const onlyB = await manager.agent.get(`${SCHEDULE}?clerk=${clerkB.id}`);
    expect(onlyB.text).not.toContain(a.reference);
    expect(onlyB.text).toContain(b.reference);
    const unknown = await manager.agent.get(`${SCHEDULE}?clerk=abc`);
    expect(unknown.status).toBe(400);
    expect($(unknown.text)('#clerk-error').text()).toContain('Επιλέξτε υπάλληλο');
  });
});

describe("an appointment's details", () => {
  it('shows its clerk the citizen, the needs and the documents, audited', async () => {
    const own = await anAppointment(clerkA.id, DAY, '10:00', {
      needs_sign_language: true,
      needs_other: 'Χρειάζεται μεγάλα γράμματα',
      phone_e164: '+306912345678',
      postal_address: 'Οδός Κουντούρου 1, Άγιος Νικόλαος',
      delivery: 'post',
    });
    await aDocument(own.id);
    const res = await clerkA.agent.get(`${SCHEDULE}/appointments/${own.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const page = $(res.text);
    expect(page('[data-field="afm"] dd').text()).toMatch(/^\d{9}$/);
    expect(page('[data-field="phone"] dd').text()).toBe('+30 691 234 5678');
    expect(page('[data-field="signLanguage"] dd').text()).toBe('Ναι');
    expect(page('[data-field="needsOther"] dd').text()).toBe('Χρειάζεται μεγάλα γράμματα');
    expect(page('#document-list a').text()).toBe('ταυτότητα.pdf');
    expect(await auditCount('kep.details_viewed', own.id)).toBe(1);
  });

  it('is a 404 to another clerk (page, document, outcome) and shown to a manager', async () => {
    // Started an hour ago (so a no-show could be recorded by the right person).
    const own = await anAppointment(clerkA.id, '2026-03-02', '08:00', { needs_lip_reading: true });
    const doc = await aDocument(own.id);
    const page = `${SCHEDULE}/appointments/${own.id}`;
    expect((await clerkB.agent.get(page)).status).toBe(404);
    expect((await clerkB.agent.get(`${page}/documents/${doc.id}`)).status).toBe(404);
    const noShow = await postForm(clerkB.agent, SCHEDULE, `${page}/outcome`, {
      outcome: 'no_show',
    });
    expect(noShow.status).toBe(404);
    expect(await statusOf(own.id)).toBe('booked');
    expect(await auditCount('kep.details_viewed', own.id)).toBe(0);
    const managed = await manager.agent.get(page);
    expect(managed.status).toBe(200);
    expect($(managed.text)('[data-field="lipReading"] dd').text()).toBe('Ναι');
    expect(await auditCount('kep.details_viewed', own.id)).toBe(1);
  });

  it('streams a document as an attachment of its stored type, never sniffed', async () => {
    const own = await anAppointment(clerkA.id, DAY, '10:00');
    const doc = await aDocument(own.id);
    const other = await anAppointment(clerkA.id, DAY, '11:30');
    const url = `${SCHEDULE}/appointments/${own.id}/documents/${doc.id}`;
    const res = await clerkA.agent
      .get(url)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
    // The document of another appointment, or none, is not found through this one.
    expect(
      (await clerkA.agent.get(`${SCHEDULE}/appointments/${other.id}/documents/${doc.id}`)).status,
    ).toBe(404);
    expect((await clerkA.agent.get(`${url}x`)).status).toBe(404);
  });
});

// Recording the outcome (a no-show among them) is the outcome panel's: kep-outcome.test.ts.
describe('no-show', () => {
  it('is recorded in the outcome panel once the appointment has started', async () => {
    const coming = await anAppointment(clerkA.id, DAY, '10:00');
    const comingPage = `${SCHEDULE}/appointments/${coming.id}`;
    expect($((await clerkA.agent.get(comingPage)).text)('#outcome-early')).toHaveLength(1);

    // Monday 08:50: it started ten minutes ago.
    const own = await anAppointment(clerkA.id, '2026-03-02', '08:50');
    const page = `${SCHEDULE}/appointments/${own.id}`;
    expect($((await clerkA.agent.get(page)).text)('#outcome-kind-no_show')).toHaveLength(1);
    const marked = await postForm(clerkA.agent, page, `${page}/outcome`, { outcome: 'no_show' });
    expect(marked.status).toBe(303);
    expect(await statusOf(own.id)).toBe('no_show');
    expect(await auditCount('kep.call_outcome_recorded', own.id)).toBe(1);
    const after = await clerkA.agent.get(page);
    expect($(after.text)('.app-kep-status').first().text()).toBe('Δεν προσήλθε');
  });
});

describe('booking on behalf', () => {
  const BOOK = `${SCHEDULE}/book`;
  const details = (time: string, extra: Record<string, string> = {}) => ({
    area: String(areaId),
    time,
    afm: afmFrom('20202020'),
    fullName: 'Κατερίνα Μαυράκη',
    email: 'katerina@example.gr',
    phone: '6912345678',
    delivery: 'pickup',
    lang: 'el',
    ...extra,
  });
  const firstFreeTime = async (agent: Agent) => {
    const res = await agent.get(`${BOOK}?area=${areaId}`);
    expect(res.status).toBe(200);
    return $(res.text)('#time option[value!=""]').first().attr('value')!;
  };

  it('offers the areas, then the free times', async () => {
    const areas = await clerkA.agent.get(BOOK);
    expect($(areas.text)(`input[name="area"][value="${areaId}"]`)).toHaveLength(1);
    const bad = await clerkA.agent.get(`${BOOK}?area=99999`);
    expect(bad.status).toBe(400);
    expect($(bad.text)('#area-error').text()).toContain('Επιλέξτε θεματικό πεδίο');
    // Monday 09:00 with two hours' notice: the first free time is 11:30.
    expect(await firstFreeTime(clerkA.agent)).toBe(
      athensInstant('2026-03-02', '11:30').toISOString(),
    );
  });

  it('books through the booking service, mails the citizen, audits', async () => {
    const time = await firstFreeTime(clerkA.agent);
    const res = await postForm(clerkA.agent, `${BOOK}?area=${areaId}`, BOOK, {
      ...details(time),
      signLanguage: 'yes',
    });
    expect(res.status).toBe(303);
    const row = (await ctx.db('kep_appointments').first()) as Record<string, unknown>;
    expect(row).toMatchObject({
      afm: afmFrom('20202020'),
      full_name: 'Κατερίνα Μαυράκη',
      email: 'katerina@example.gr',
      phone_e164: '+306912345678',
      citizen_id: null,
      booked_by: clerkA.id,
      delivery: 'pickup',
      needs_sign_language: true,
      status: 'booked',
    });
    expect((row.starts_at as Date).toISOString()).toBe(time);
    expect(await auditCount('kep.appointment_booked_for', row.id as number)).toBe(1);
    const mails = await drainMail(ctx.deps);
    expect(mails.map((m) => m.to)).toEqual(['katerina@example.gr']);
    // Where it went: the appointment's page when it is the clerk's own, else the schedule.
    const next = await clerkA.agent.get(res.headers.location!);
    expect(next.text).toContain(row.reference as string);
  });

  it('answers a bad AFM with its field message and books nothing', async () => {
    const time = await firstFreeTime(clerkA.agent);
    const res = await postForm(
      clerkA.agent,
      `${BOOK}?area=${areaId}`,
      BOOK,
      details(time, { afm: '123456789', email: 'not-an-email', lang: 'en' }),
    );
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('#afm-error').text()).toContain('ΑΦΜ');
    expect(page('#email-error').text()).toContain('email');
    expect(page('#fullName').attr('value')).toBe('Κατερίνα Μαυράκη');
    expect(await ctx.db('kep_appointments').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('says a time just taken is taken, with the next free times', async () => {
    const time = await firstFreeTime(clerkA.agent);
    // Every clerk of the area books that time meanwhile.
    for (const { id } of [clerkA, clerkB, manager]) await anAppointment(id, '2026-03-02', '11:30');
    const res = await postForm(clerkA.agent, `${BOOK}?area=${areaId}`, BOOK, details(time));
    expect(res.status).toBe(409);
    expect($(res.text)('#time-error').text()).toContain('μόλις κλείστηκε');
    expect(
      await ctx.db('kep_appointments').whereNotNull('booked_by').count({ n: '*' }).first(),
    ).toEqual({ n: 0 });
  });

  it('refuses a time the hours do not offer, with a message', async () => {
    const res = await postForm(
      clerkA.agent,
      `${BOOK}?area=${areaId}`,
      BOOK,
      details(athensInstant(DAY, '11:10').toISOString()),
    );
    expect(res.status).toBe(409);
    expect($(res.text)('#time-error').text()).toContain('δεν προσφέρεται');
  });
});

describe('retention', () => {
  const DAY_MS = 86_400_000;
  const eraseAt = (at: Date) => eraseExpiredDetails({ ...ctx.deps, clock: { now: () => at } });

  it('erases needs and documents N days after the appointment, not before, once', async () => {
    const old = await anAppointment(clerkA.id, DAY, '10:00', {
      needs_sign_language: true,
      needs_lip_reading: true,
      needs_other: 'κάτι',
    });
    const doc = await aDocument(old.id);
    const recent = await anAppointment(clerkA.id, '2026-03-20', '10:00', { needs_other: 'άλλο' });
    const recentDoc = await aDocument(recent.id);
    const ended = athensInstant(DAY, '10:20').getTime();

    await eraseAt(new Date(ended + 30 * DAY_MS - 60_000));
    expect(await ctx.db('kep_documents').pluck('id')).toHaveLength(2);

    const at = new Date(ended + 30 * DAY_MS + 60_000);
    await eraseAt(at);
    const row = (await ctx.db('kep_appointments').where({ id: old.id }).first()) as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({
      needs_sign_language: false,
      needs_lip_reading: false,
      needs_other: null,
      needs_erased_at: at,
      status: 'booked',
    });
    expect(await ctx.db('kep_documents').pluck('id')).toEqual([recentDoc.id]);
    expect(await ctx.deps.documents.exists(doc.key)).toBe(false);
    expect(await ctx.deps.documents.exists(recentDoc.key)).toBe(true);
    expect(
      (
        (await ctx.db('kep_appointments').where({ id: recent.id }).first()) as Record<
          string,
          unknown
        >
      ).needs_other,
    ).toBe('άλλο');

    // Again later: nothing more to do, the mark kept.
    await eraseAt(new Date(at.getTime() + DAY_MS));
    expect(
      ((await ctx.db('kep_appointments').where({ id: old.id }).first()) as Record<string, unknown>)
        .needs_erased_at,
    ).toEqual(at);

    const page = await clerkA.agent.get(`${SCHEDULE}/appointments/${old.id}`);
    expect($(page.text)('#erased').text()).toContain('διαγράφηκαν');
    expect($(page.text)('#document-list')).toHaveLength(0);
  });

  it('removes the mails’ .ics files a week after they were made, not before', async () => {
    const appointment = await anAppointment(clerkA.id, DAY, '10:00');
    const made = new Date(athensInstant('2026-03-02', '09:00'));
    await ctx.db.transaction((trx) =>
      sendAppointmentMail(
        { ...ctx.deps, clock: { now: () => made } },
        trx,
        appointment.id,
        'booked',
      ),
    );
    await drainMail(ctx.deps);
    const [key] = (await ctx.db('kep_mail_files').pluck('document_key')) as string[];
    expect(key).toMatch(/\.ics$/);
    expect(await ctx.deps.documents.exists(key!)).toBe(true);
    await eraseAt(new Date(made.getTime() + 7 * DAY_MS - 60_000));
    expect(await ctx.deps.documents.exists(key!)).toBe(true);
    await eraseAt(new Date(made.getTime() + 7 * DAY_MS + 60_000));
    expect(await ctx.db('kep_mail_files').pluck('document_key')).toEqual([]);
    expect(await ctx.deps.documents.exists(key!)).toBe(false);
  });

  it('erases a backlog larger than one batch', async () => {
    // Not booked (the no-overlap constraint looks at booked ones only): all at one time.
    for (let i = 0; i < 205; i += 1)
      await anAppointment(clerkA.id, '2026-01-05', '09:00', {
        needs_other: 'x',
        status: 'no_show',
      });
    await eraseAt(new Date(athensInstant(DAY, '10:00')));
    expect(
      await ctx.db('kep_appointments').whereNull('needs_erased_at').count({ n: '*' }).first(),
    ).toEqual({ n: 0 });
  });
});

describe('the demo', () => {
  it("books demo.verified's appointment and two others with demo.clerk on coming working days", async () => {
    // Its own clerk and citizen; the seed runs only while no clerk has ΚΕΠ hours.
    await ctx.db.raw('TRUNCATE kep_clerk_hours, kep_clerk_areas');
    const ids: Record<string, number> = {};
    for (const [username, roles] of [
      ['demo.clerk', ['clerk']],
      ['demo.verified', []],
    ] as const) {
      const existing = (await ctx.db('users').where({ username }).first('id')) as
        { id: number } | undefined;
      ids[username] =
        existing?.id ??
        (
          (await ctx
            .db('users')
            .insert({
              username,
              full_name: username,
              email: `${username}@example.gr`,
              password_hash: 'never-signs-in',
              status: 'active',
              roles,
              activated_at: MONDAY_0900,
            })
            .returning('id')) as { id: number }[]
        )[0]!.id;
    }
    const seeded = await seedDemoKep(ctx.db, {
      documents: ctx.deps.documents,
      municipality: 'Δήμος',
      today: MONDAY_0900,
    });
    expect(seeded).toBe(true);
    const rows = (await ctx.db('kep_appointments').orderBy('starts_at')) as {
      afm: string;
      clerk_id: number;
      citizen_id: number | null;
      status: string;
      starts_at: Date;
      reference: string;
    }[];
    expect(rows.map((r) => r.afm)).toEqual(['102938470', '135724681', '120693840']);
    expect(rows.every((r) => isValidAfm(r.afm) && r.clerk_id === ids['demo.clerk'])).toBe(true);
    expect(rows.every((r) => r.status === 'booked' && /^ΚΕΠ-2026-\d{6}$/.test(r.reference))).toBe(
      true,
    );
    expect(rows[0]!.citizen_id).toBe(ids['demo.verified']);
    expect(rows.map((r) => athensDateTime(r.starts_at))).toEqual([
      '2026-03-03 10:00',
      '2026-03-03 12:00',
      '2026-03-04 12:00',
    ]);
  });
});

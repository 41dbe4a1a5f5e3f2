import * as cheerio from 'cheerio';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentWhen } from '../../src/features/kep/kep.format.ts';
import { saveHours } from '../../src/features/kep/staff/settings.service.ts';
import { readSetting } from '../../src/features/settings/settings.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import { addDays } from '../../src/lib/dates.ts';
import { athensDate } from '../../src/lib/format.ts';
import { holidayOn } from '../../src/lib/working-days.ts';
import type { Browser, Page } from 'playwright-core';
import { hashSecret } from '../../src/lib/passwords.ts';
import { createActiveUser, drainMail, type Agent } from '../helpers/accounts.ts';
import {
  expectAccessible,
  launchBrowser,
  startLiveServer,
  type LiveServer,
} from '../helpers/browser.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { untilWaitingOnALock } from '../helpers/kep.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const BASE = '/staff/kep/settings';
let ctx: TestContext;
let manager: Agent;
let managerId: number;
let areaId: number;

/** A Wednesday at least two days ahead that is no holiday: inside the default horizon. */
function comingWednesday(): string {
  for (let day = addDays(athensDate(new Date()), 2); ; day = addDays(day, 1))
    if (new Date(`${day}T12:00:00Z`).getUTCDay() === 3 && !holidayOn(day)) return day;
}
const DAY = comingWednesday();
const [YEAR, MONTH, DATE] = DAY.split('-').map((part) => String(Number(part))) as [
  string,
  string,
  string,
];
const rangeOf = (extra: Record<string, string> = {}) => ({
  'from-day': DATE,
  'from-month': MONTH,
  'from-year': YEAR,
  'to-day': DATE,
  'to-month': MONTH,
  'to-year': YEAR,
  ...extra,
});

beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: manager, id: managerId } = await signedInStaff(ctx.app, ctx.db, ['kep_manager']));
  areaId = (
    (await ctx.db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
});
afterAll(() => ctx.close());

beforeEach(async () => {
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments, kep_clerk_areas, kep_clerk_hours, kep_absences, kep_closures CASCADE',
  );
  await drainMail(ctx.deps);
  // Greek again, whatever a test before switched to.
  await manager.get(`${BASE}?lang=el`);
});

const $ = (html: string) => cheerio.load(html);

/** The message shown in a field's own form group. */
const messageAt = (html: string, field: string) =>
  $(html)(`[id="${field}"]`)
    .closest('.govuk-form-group')
    .find('.govuk-error-message')
    .first()
    .text()
    .replace(/\s+/g, ' ')
    .trim();

/** Posts the form of `page` that goes to `action`, with its hidden fields and `fields`. */
async function send(page: string, action: string, fields: Record<string, string | string[]>) {
  const html = (await manager.get(page)).text;
  return sendFrom(html, action, fields);
}

/** Posts a form found in HTML already fetched (a confirmation page answered to a POST). */
function sendFrom(html: string, action: string, fields: Record<string, string | string[]> = {}) {
  const page = $(html);
  const hidden: Record<string, string> = {};
  page(`form[action="${action}"]`)
    .first()
    .find('input[type="hidden"]')
    .each((_i, input) => {
      hidden[page(input).attr('name')!] = page(input).attr('value') ?? '';
    });
  if (!hidden._csrf) throw new Error(`no form to ${action}`);
  return manager
    .post(action)
    .type('form')
    .send({ ...hidden, ...fields });
}

const auditOf = (action: string) =>
  ctx
    .db('audit_log')
    .where({ action })
    .orderBy('id')
    .select('details', 'actor_id', 'entity_id') as Promise<
    { details: Record<string, unknown>; actor_id: number; entity_id: number | null }[]
  >;

let clerkCount = 0;
/** A clerk of the information area, weekdays from `starts` to `ends`. */
async function addClerk(starts = '09:00', ends = '15:00'): Promise<number> {
  clerkCount += 1;
  const { id } = await createActiveUser(ctx.db, `kep-settings-clerk-${clerkCount}`, {
    roles: ['clerk'],
    full_name: `Υπάλληλος ΚΕΠ ${clerkCount}`,
  });
  await ctx.db('kep_clerk_areas').insert({ clerk_id: id, area_id: areaId });
  await ctx
    .db('kep_clerk_hours')
    .insert([1, 2, 3, 4, 5].map((weekday) => ({ clerk_id: id, weekday, starts, ends })));
  return id;
}

let referenceCount = 0;
/** A booked 20-minute appointment straight in the table (the 10-minute buffer after it). */
async function insertAppointment(
  clerkId: number,
  time: string,
  conn: Knex = ctx.db,
): Promise<{ id: number; reference: string; email: string }> {
  referenceCount += 1;
  const start = athensInstant(DAY, time).getTime();
  const reference = `ΚΕΠ-2026-${String(referenceCount).padStart(6, '0')}`;
  const email = `citizen${referenceCount}@example.gr`;
  const { rows } = (await conn.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email,
       starts_at, ends_at, buffered, room)
     VALUES (?, ?, ?, '123456783', ?, ?, ?, ?, tstzrange(?, ?), ?) RETURNING id`,
    [
      reference,
      areaId,
      clerkId,
      `Δημότης ${referenceCount}`,
      email,
      new Date(start),
      new Date(start + 20 * 60_000),
      new Date(start),
      new Date(start + 30 * 60_000),
      `kep-settings-room-${referenceCount}-padding`,
    ],
  )) as { rows: { id: number }[] };
  return { id: rows[0]!.id, reference, email };
}

describe('who may change the ΚΕΠ settings', () => {
  it('a clerk without the kep_manager role is refused', async () => {
    const { agent } = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    expect((await agent.get(BASE)).status).toBe(403);
    expect((await agent.get(`${BASE}/policy`)).status).toBe(403);
  });

  it('every tab opens for a manager', async () => {
    for (const path of [BASE, `${BASE}/clerks`, `${BASE}/closures`, `${BASE}/policy`])
      expect((await manager.get(path)).status).toBe(200);
    expect((await manager.get(`${BASE}/areas/999999`)).status).toBe(404);
    expect((await manager.get(`${BASE}/clerks/999999`)).status).toBe(404);
  });
});

describe('service areas', () => {
  it('saves names, length and whether offered, audited', async () => {
    const path = `${BASE}/areas/${areaId}`;
    const res = await send(path, path, {
      nameEl: 'Πληροφόρηση και αιτήσεις',
      nameEn: 'Information',
      minutes: '25',
      active: 'yes',
    });
    expect(res.status).toBe(303);
    expect(await ctx.db('kep_areas').where({ id: areaId }).first('name_el', 'minutes')).toEqual({
      name_el: 'Πληροφόρηση και αιτήσεις',
      minutes: 25,
    });
    const [entry] = await auditOf('kep.area_changed');
    expect(entry!.entity_id).toBe(areaId);
    expect(entry!.details).toMatchObject({ changes: { minutes: { after: 25 } } });
    await ctx.db('kep_areas').where({ id: areaId }).update({
      name_el: 'Πληροφόρηση-Αίτηση',
      name_en: 'Information and applications',
      minutes: 20,
    });
  });

  it('refuses a length out of range and an empty name at their fields', async () => {
    const path = `${BASE}/areas/${areaId}`;
    const res = await send(path, path, { nameEl: '', nameEn: 'x', minutes: '5', active: 'yes' });
    expect(res.status).toBe(400);
    expect(messageAt(res.text, 'minutes')).toContain('10');
    expect(messageAt(res.text, 'nameEl')).not.toBe('');
    const en = await manager.post(`${path}?lang=en`).type('form').send({});
    expect(en.status).not.toBe(500);
  });
});

describe("a clerk's areas and hours", () => {
  it('saves the areas ticked, audited; an unknown area is a field message', async () => {
    const clerk = await addClerk();
    const other = (
      (await ctx.db('kep_areas').where({ slug: 'businesses' }).first('id')) as { id: number }
    ).id;
    const page = `${BASE}/clerks/${clerk}`;
    const ok = await send(page, `${page}/areas`, { areas: [String(areaId), String(other)] });
    expect(ok.status).toBe(303);
    expect(
      (await ctx.db('kep_clerk_areas').where({ clerk_id: clerk }).orderBy('area_id')).map(
        (r: { area_id: number }) => r.area_id,
      ),
    ).toEqual([areaId, other].sort((a, b) => a - b));
    expect((await auditOf('kep.clerk_areas_changed')).at(-1)!.details).toMatchObject({
      before: [areaId],
    });
    const bad = await send(page, `${page}/areas`, { areas: ['999999'] });
    expect(bad.status).toBe(400);
    expect(messageAt(bad.text, 'areas')).not.toBe('');
  });

  it('saves weekly hours with a break, audited', async () => {
    const clerk = await addClerk();
    const page = `${BASE}/clerks/${clerk}`;
    const res = await send(page, `${page}/hours`, {
      rows: '8',
      'weekday-0': '1',
      'starts-0': '9:00',
      'ends-0': '11:00',
      'weekday-1': '1',
      'starts-1': '11:30',
      'ends-1': '15:00',
      'weekday-2': '3',
      'starts-2': '08.30',
      'ends-2': '12:00',
    });
    expect(res.status).toBe(303);
    const rows = (await ctx.db.raw(
      `SELECT weekday, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends
       FROM kep_clerk_hours WHERE clerk_id = ? ORDER BY weekday, starts`,
      [clerk],
    )) as { rows: unknown[] };
    expect(rows.rows).toEqual([
      { weekday: 1, starts: '09:00', ends: '11:00' },
      { weekday: 1, starts: '11:30', ends: '15:00' },
      { weekday: 3, starts: '08:30', ends: '12:00' },
    ]);
    const [entry] = (await auditOf('kep.hours_changed')).slice(-1);
    expect(entry!.details).toMatchObject({ after: rows.rows });
    // The page shows them back, with spare rows to add more.
    const shown = $((await manager.get(page)).text);
    expect(shown('#starts-1').attr('value')).toBe('11:30');
    expect(shown('#weekday-3').length).toBe(1);
  });

  it('refuses overlapping rows, bad times and an end before the start at their fields', async () => {
    const clerk = await addClerk();
    const page = `${BASE}/clerks/${clerk}`;
    const res = await send(page, `${page}/hours`, {
      rows: '4',
      'weekday-0': '2',
      'starts-0': '09:00',
      'ends-0': '12:00',
      'weekday-1': '2',
      'starts-1': '11:00',
      'ends-1': '14:00',
      'weekday-2': '4',
      'starts-2': '9:7',
      'ends-2': '10:00',
      'weekday-3': '5',
      'starts-3': '13:00',
      'ends-3': '12:00',
    });
    expect(res.status).toBe(400);
    expect(messageAt(res.text, 'starts-1')).toContain('09:00–12:00');
    expect(messageAt(res.text, 'starts-2')).not.toBe('');
    expect(messageAt(res.text, 'ends-3')).not.toBe('');
    // What was typed is kept; nothing was saved.
    expect($(res.text)('#starts-2').attr('value')).toBe('9:7');
    expect(await ctx.db('kep_clerk_hours').where({ clerk_id: clerk })).toHaveLength(5);
    const en = await sendFrom((await manager.get(`${page}?lang=en`)).text, `${page}/hours`, {
      rows: '1',
      'weekday-0': '',
      'starts-0': '10:00',
      'ends-0': '11:00',
    });
    expect(messageAt(en.text, 'weekday-0')).toBe("Error: Choose this row's day");
  });

  it('turns the database refusing overlapping hours into a field message', async () => {
    const clerk = await addClerk();
    const errors = await saveHours(
      ctx.deps,
      clerk,
      [
        { weekday: 1, starts: '09:00', ends: '12:00' },
        { weekday: 1, starts: '10:00', ends: '13:00' },
      ],
      managerId,
      {},
    );
    expect(errors).toEqual([{ field: 'hours', key: 'kep.staffSettings.errors.hoursClash' }]);
  });
});

describe('leave over booked appointments', () => {
  it('moves what another clerk can take, cancels the rest with the next free times', async () => {
    const away = await addClerk('09:00', '15:00');
    const free = await addClerk('09:00', '11:00');
    const movable = await insertAppointment(away, '10:00');
    const stranded = await insertAppointment(away, '12:00');
    const page = `${BASE}/clerks/${away}`;

    const asked = await send(page, `${page}/absences`, rangeOf({ reason: 'Άδεια ασθενείας' }));
    expect(asked.status).toBe(200);
    const rows = $(asked.text)('tbody tr')
      .map((_i, tr) => $(asked.text)(tr).text().replace(/\s+/g, ' '))
      .get();
    expect(rows.find((r) => r.includes(movable.reference))).toContain('Υπάλληλος ΚΕΠ');
    expect(rows.find((r) => r.includes(stranded.reference))).toContain('Ακύρωση');
    expect(await ctx.db('kep_absences').count({ n: '*' }).first()).toEqual({ n: 0 });

    const done = await sendFrom(asked.text, `${page}/absences`);
    expect(done.status).toBe(303);
    expect(await ctx.db('kep_absences').where({ clerk_id: away }).first('reason')).toEqual({
      reason: 'Άδεια ασθενείας',
    });
    expect(
      await ctx.db('kep_appointments').where({ id: movable.id }).first('clerk_id', 'status'),
    ).toEqual({ clerk_id: free, status: 'booked' });
    expect(
      await ctx
        .db('kep_appointments')
        .where({ id: stranded.id })
        .first('status', 'cancelled_by', 'clerk_id'),
    ).toEqual({ status: 'cancelled', cancelled_by: 'kep', clerk_id: away });

    const [reassigned] = await auditOf('kep.appointment_reassigned');
    expect(reassigned).toMatchObject({
      entity_id: movable.id,
      actor_id: managerId,
      details: { fromClerkId: away, toClerkId: free },
    });
    const [cancelled] = await auditOf('kep.appointment_cancelled');
    expect(cancelled!.entity_id).toBe(stranded.id);
    const next = cancelled!.details.next as string[];
    expect(next.length).toBeGreaterThan(0);
    expect((await auditOf('kep.absence_added')).at(-1)!.details).toMatchObject({
      reassigned: 1,
      cancelled: 1,
    });

    const mails = await drainMail(ctx.deps);
    expect(mails.map((m) => m.to).sort()).toEqual([movable.email, stranded.email].sort());
    const cancelMail = mails.find((m) => m.to === stranded.email)!;
    const first = appointmentWhen(new Date(next[0]!), new Date(next[0]!), 'el');
    expect(cancelMail.text).toContain(`${first.date}, ${first.starts}`);
    // The clerk's own reason stays with staff.
    expect(cancelMail.text).not.toContain('ασθενείας');
    expect(mails.find((m) => m.to === movable.email)!.text).not.toBe(cancelMail.text);

    // Removing the leave: audited; the moves stay.
    const absence = (await ctx.db('kep_absences').first('id')) as { id: number };
    const removed = await send(page, `${page}/absences/${absence.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect(await ctx.db('kep_absences').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await auditOf('kep.absence_removed')).toHaveLength(1);
  });

  it('a clerk booked meanwhile (the constraint refuses the move) is passed for the next', async () => {
    const away = await addClerk();
    const taken = await addClerk();
    const spare = await addClerk();
    const appointment = await insertAppointment(away, '10:00');
    const page = `${BASE}/clerks/${away}`;
    const asked = await send(page, `${page}/absences`, rangeOf());
    expect(asked.text).toContain(appointment.reference);
    // Another booking of the first free clerk at that time, not yet committed: the move waits
    // on it, then the exclusion constraint refuses it.
    const other = await ctx.db.transaction();
    try {
      await insertAppointment(taken, '10:00', other);
      const confirming = sendFrom(asked.text, `${page}/absences`).then((res) => res);
      await untilWaitingOnALock(ctx.db);
      await other.commit();
      expect((await confirming).status).toBe(303);
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
    expect(
      await ctx.db('kep_appointments').where({ id: appointment.id }).first('clerk_id', 'status'),
    ).toEqual({ clerk_id: spare, status: 'booked' });
    expect((await auditOf('kep.appointment_reassigned')).at(-1)!.details).toMatchObject({
      toClerkId: spare,
    });
  });

  it('adds leave over no appointments at once; a bad range is refused at its field', async () => {
    const clerk = await addClerk();
    const page = `${BASE}/clerks/${clerk}`;
    const added = await send(page, `${page}/absences`, rangeOf());
    expect(added.status).toBe(303);
    expect(await ctx.db('kep_absences').where({ clerk_id: clerk })).toHaveLength(1);

    const backwards = await send(
      page,
      `${page}/absences`,
      rangeOf({ 'to-year': String(Number(YEAR) - 1) }),
    );
    expect(backwards.status).toBe(400);
    expect(messageAt(backwards.text, 'to')).not.toBe('');
    const missing = await send(page, `${page}/absences`, {
      'to-day': '31',
      'to-month': '2',
      'to-year': YEAR,
    });
    expect(missing.status).toBe(400);
    expect(messageAt(missing.text, 'from')).not.toBe('');
    expect(messageAt(missing.text, 'to')).not.toBe('');
  });
});

describe('closures', () => {
  it('lists the coming holidays, and cancels booked appointments once confirmed', async () => {
    const page = `${BASE}/closures`;
    expect((await manager.get(page)).text).toContain('Χριστούγεννα');
    const clerk = await addClerk();
    const booked = await insertAppointment(clerk, '10:00');
    const asked = await send(page, page, rangeOf({ reason: 'Απεργία' }));
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(booked.reference);
    expect(asked.text).toContain('Δημότης');

    const done = await sendFrom(asked.text, page);
    expect(done.status).toBe(303);
    expect(
      await ctx.db('kep_appointments').where({ id: booked.id }).first('status', 'cancel_reason'),
    ).toEqual({ status: 'cancelled', cancel_reason: 'Απεργία' });
    expect(await auditOf('kep.closure_added')).toHaveLength(1);
    expect((await auditOf('kep.appointment_cancelled')).at(-1)!.entity_id).toBe(booked.id);
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe(booked.email);
    expect(mail!.text).toContain('Απεργία');

    const closure = (await ctx.db('kep_closures').first('id')) as { id: number };
    const removed = await send(page, `${page}/${closure.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect(await auditOf('kep.closure_removed')).toHaveLength(1);
  });

  it('asks for a reason', async () => {
    const page = `${BASE}/closures`;
    const res = await send(page, page, rangeOf({ reason: '' }));
    expect(res.status).toBe(400);
    expect(messageAt(res.text, 'reason')).not.toBe('');
    expect(await ctx.db('kep_closures').count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});

describe('the booking policy', () => {
  const policy = (extra: Record<string, string> = {}) => ({
    'kep-bufferMinutes': '15',
    'kep-noticeMinutes': '120',
    'kep-horizonDays': '30',
    'kep-firstReminderMinutes': '1440',
    'kep-secondReminderMinutes': '30',
    'kep-retentionDays': '30',
    ...extra,
  });

  it('saves the numbers through the shared settings, audited', async () => {
    const page = `${BASE}/policy`;
    const res = await send(page, page, policy());
    expect(res.status).toBe(303);
    expect(await readSetting(ctx.deps, 'kep.bufferMinutes')).toBe(15);
    const entries = await auditOf('setting.changed');
    expect(entries.at(-1)!.details).toMatchObject({
      key: 'kep.bufferMinutes',
      before: 10,
      after: 15,
    });
    expect($((await manager.get(page)).text)('#kep-bufferMinutes').attr('value')).toBe('15');
  });

  it('refuses numbers out of range at their fields', async () => {
    const page = `${BASE}/policy`;
    const res = await send(
      page,
      page,
      policy({
        'kep-horizonDays': '0',
        'kep-secondReminderMinutes': '300',
        'kep-retentionDays': 'x',
      }),
    );
    expect(res.status).toBe(400);
    expect(messageAt(res.text, 'kep-horizonDays')).toContain('180');
    expect(messageAt(res.text, 'kep-secondReminderMinutes')).not.toBe('');
    expect(messageAt(res.text, 'kep-retentionDays')).not.toBe('');
    expect(await readSetting(ctx.deps, 'kep.horizonDays')).toBe(30);
  });
});

describe('in a browser', { timeout: 120_000 }, () => {
  let server: LiveServer;
  let browser: Browser;
  let clerkId: number;

  beforeAll(async () => {
    server = await startLiveServer(async (live) => {
      await live.db('users').insert({
        username: 'kep.manager.axe',
        full_name: 'Υπεύθυνη ΚΕΠ',
        email: 'kep.manager.axe@example.gov.gr',
        password_hash: await hashSecret(STAFF_PASSWORD),
        status: 'active',
        roles: ['kep_manager'],
        activated_at: new Date(),
      });
      const { id } = await createActiveUser(live.db, 'kep-axe-clerk', {
        roles: ['clerk'],
        full_name: 'Υπάλληλος Προσβασιμότητας',
      });
      clerkId = id;
      const area = (await live.db('kep_areas').first('id')) as { id: number };
      await live.db('kep_clerk_areas').insert({ clerk_id: id, area_id: area.id });
      await live
        .db('kep_clerk_hours')
        .insert({ clerk_id: id, weekday: 3, starts: '09:00', ends: '15:00' });
      const start = athensInstant(DAY, '10:00').getTime();
      await live.db.raw(
        `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email,
           starts_at, ends_at, buffered, room)
         VALUES ('ΚΕΠ-2026-900001', ?, ?, '123456783', 'Δημότης', 'axe@example.gr', ?, ?,
           tstzrange(?, ?), 'kep-settings-axe-room-padding')`,
        [
          area.id,
          id,
          new Date(start),
          new Date(start + 1_200_000),
          new Date(start),
          new Date(start + 1_800_000),
        ],
      );
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Όνομα χρήστη ή email').fill('kep.manager.axe');
    await page.getByLabel('Κωδικός πρόσβασης', { exact: true }).fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Σύνδεση', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  }

  it('every page, its errors and the confirmation pass axe in Greek and English', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page);
    for (const lang of ['el', 'en']) {
      const paths = ['', '/areas/1', '/clerks', `/clerks/${clerkId}`, '/closures', '/policy'];
      for (const path of paths) {
        await page.goto(`${server.baseUrl}${BASE}${path}?lang=${lang}`);
        await expectAccessible(page);
      }
      // A form sent back with its errors (no JavaScript needed to send it).
      await page.goto(`${server.baseUrl}${BASE}/clerks/${clerkId}?lang=${lang}`);
      await page.locator('#starts-1').fill('25:00');
      await page.locator('#weekday-1').selectOption('3');
      await page.locator('#ends-1').fill('16:00');
      await page.locator('form[action$="/hours"] button[type="submit"]').click();
      await page.waitForSelector('.govuk-error-summary');
      await expectAccessible(page);
      // Leave over the booked appointment: the confirmation page.
      await page.goto(`${server.baseUrl}${BASE}/clerks/${clerkId}?lang=${lang}`);
      for (const [name, value] of Object.entries(rangeOf()))
        await page.locator(`[name="${name}"]`).fill(value);
      await page.locator('form[action$="/absences"] button[type="submit"]').click();
      await page.waitForSelector('text=ΚΕΠ-2026-900001');
      await expectAccessible(page);
    }
    await context.close();
  });
});

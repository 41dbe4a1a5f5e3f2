/**
 * The ΚΕΠ appointment mail (kep.mail.ts): each kind's subject and content in the booking's
 * language, a fresh manage link stored hashed, the call page link, and the .ics attachment as
 * ical.js reads it (UTC times, UID, METHOD REQUEST or CANCEL).
 */
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bookSlot } from '../../src/features/kep/booking.service.ts';
import { sendAppointmentMail } from '../../src/features/kep/kep.mail.ts';
import type { OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import { hashToken } from '../../src/lib/tokens.ts';
import { createActiveUser, drainMail } from '../helpers/accounts.ts';
import { afmMaker } from '../helpers/kep.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let areaId: number;
let clerkId: number;
const now = new Date('2026-03-02T07:00:00Z'); // Monday 09:00 in Athens
const clock = { now: () => now };
const DAY = '2026-03-04';
const settings = { bufferMinutes: 10, noticeMinutes: 120, horizonDays: 30 };

beforeAll(async () => {
  ctx = await createTestContext({ BASE_URL: 'https://eservices.example.gr' }, { clock });
  areaId = (
    (await ctx.db('kep_areas').where({ slug: 'information-applications' }).first('id')) as {
      id: number;
    }
  ).id;
  clerkId = (await createActiveUser(ctx.db, 'kep-mail-clerk', { roles: ['clerk'] })).id;
  await ctx.db('kep_clerk_areas').insert({ clerk_id: clerkId, area_id: areaId });
  await ctx.db('kep_clerk_hours').insert(
    [1, 2, 3, 4, 5].map((weekday) => ({
      clerk_id: clerkId,
      weekday,
      starts: '09:00',
      ends: '15:00',
    })),
  );
});

afterAll(async () => {
  await ctx.close();
});

beforeEach(async () => {
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments CASCADE',
  );
  await drainMail(ctx.deps);
});

const newAfm = afmMaker(30_000_000);

/** A booked appointment (no mail yet): its id and reference. */
async function booked(time = '10:00', lang: 'el' | 'en' = 'el', replaces?: number) {
  const outcome = await bookSlot(
    { db: ctx.db, clock },
    {
      areaId,
      startsAt: athensInstant(DAY, time),
      person: { afm: newAfm(), fullName: 'Ελένη Παππά', email: 'eleni@example.gr' },
      details: { delivery: 'email', needs: { signLanguage: false, lipReading: false }, lang },
      settings,
      ...(replaces ? { replaces } : {}),
    },
  );
  if (!('booked' in outcome)) throw new Error(`not booked: ${JSON.stringify(outcome)}`);
  return outcome.booked;
}

async function send(id: number, kind: Parameters<typeof sendAppointmentMail>[3], extra = {}) {
  await ctx.db.transaction((trx) => sendAppointmentMail(ctx.deps, trx, id, kind, extra));
  const mails = await drainMail(ctx.deps);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

/** The mail's .ics attachments, read from the document store and parsed by ical.js. */
async function calendarsOf(mail: OutgoingMail) {
  const found = [];
  for (const attachment of mail.attachments ?? []) {
    expect(attachment.contentType).toMatch(/^text\/calendar/);
    const text = await readFile(ctx.deps.documents.pathOf(attachment.documentKey), 'utf8');
    const calendar = new ICAL.Component(ICAL.parse(text));
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    found.push({
      fileName: attachment.fileName,
      method: calendar.getFirstPropertyValue('method'),
      uid: event.uid,
      start: event.startDate,
      end: event.endDate,
      status: vevent.getFirstPropertyValue('status'),
      text,
    });
  }
  return found;
}

describe('sendAppointmentMail', () => {
  it('booked: subject, date and time in Athens, the call link, a manage link stored hashed, the .ics in UTC', async () => {
    const appointment = await booked('10:00');
    const mail = await send(appointment.id, 'booked');
    expect(mail.to).toBe('eleni@example.gr');
    expect(mail.subject).toBe('Ενημέρωση για επερχόμενη κράτηση στο ΚΕΠ');
    expect(mail.text).toContain('10:00–10:20');
    expect(mail.text).toContain('4 Μαρτίου 2026');
    expect(mail.text).toContain('Πληροφόρηση-Αίτηση');
    expect(mail.text).toContain(appointment.reference);
    expect(mail.text).toContain('TaxisNet');
    expect(mail.text).toContain(
      `https://eservices.example.gr/kep/appointments/${appointment.id}/call`,
    );
    expect(mail.html).toContain(`/kep/appointments/${appointment.id}/call`);
    const token = /https:\/\/eservices\.example\.gr\/kep\/manage\/([A-Za-z0-9_-]{43})/.exec(
      mail.text,
    )?.[1];
    expect(token).toBeTruthy();
    const stored = await ctx.db('kep_manage_tokens').where({ appointment_id: appointment.id });
    expect(stored.map((row) => row.token_hash)).toEqual([hashToken(token!)]);

    const [ics] = await calendarsOf(mail);
    expect(ics!.method).toBe('REQUEST');
    expect(ics!.uid).toBe(`${appointment.reference}@eservices.example.gr`);
    expect(ics!.start.toJSDate().toISOString()).toBe('2026-03-04T08:00:00.000Z');
    expect(ics!.end.toJSDate().toISOString()).toBe('2026-03-04T08:20:00.000Z');
    expect(ics!.start.zone?.tzid).toBe('UTC');
    expect(ics!.text).toContain('DTSTART:20260304T080000Z');
    expect(ics!.fileName).toMatch(/^KEP-\d{4}-\d{6}\.ics$/);
  });

  it('reminder: the same content, and a new manage link each time', async () => {
    const appointment = await booked('11:00');
    const first = await send(appointment.id, 'booked');
    const reminder = await send(appointment.id, 'reminder');
    expect(reminder.subject).toBe(first.subject);
    expect(reminder.text).toContain(`/kep/appointments/${appointment.id}/call`);
    expect(
      await ctx.db('kep_manage_tokens').where({ appointment_id: appointment.id }),
    ).toHaveLength(2);
  });

  it('writes in the language the citizen booked in', async () => {
    const appointment = await booked('12:00', 'en');
    const mail = await send(appointment.id, 'booked');
    expect(mail.subject).toBe('Your upcoming ΚΕΠ appointment');
    expect(mail.text).toContain('Information and applications');
    expect(mail.text).toContain('4 March 2026');
    expect(mail.text).toContain('12:00–12:20');
  });

  it('cancelled: METHOD:CANCEL for the same UID, no manage link', async () => {
    const appointment = await booked('13:00');
    await ctx
      .db('kep_appointments')
      .where({ id: appointment.id })
      .update({ status: 'cancelled', cancelled_at: now, cancelled_by: 'citizen' });
    const mail = await send(appointment.id, 'cancelled');
    expect(mail.subject).toBe('Ακύρωση του ραντεβού σας στο ΚΕΠ');
    expect(mail.text).not.toContain('/kep/manage/');
    const [ics] = await calendarsOf(mail);
    expect(ics!.method).toBe('CANCEL');
    expect(ics!.status).toBe('CANCELLED');
    expect(ics!.uid).toBe(`${appointment.reference}@eservices.example.gr`);
  });

  it('cancelledByKep: the reason, the next free times and a link to book again', async () => {
    const appointment = await booked('14:00');
    const mail = await send(appointment.id, 'cancelledByKep', {
      reason: 'Έκτακτο κλείσιμο του ΚΕΠ.',
      next: [athensInstant(DAY, '09:00'), athensInstant('2026-03-05', '09:30')],
    });
    expect(mail.subject).toBe('Το ΚΕΠ ακύρωσε το ραντεβού σας');
    expect(mail.text).toContain('Έκτακτο κλείσιμο του ΚΕΠ.');
    expect(mail.text).toContain('4 Μαρτίου 2026, 09:00');
    expect(mail.text).toContain('5 Μαρτίου 2026, 09:30');
    expect(mail.text).toContain(`https://eservices.example.gr/kep/book?again=${appointment.id}`);
    expect((await calendarsOf(mail))[0]!.method).toBe('CANCEL');
  });

  it('reassigned: the time unchanged, the same call link', async () => {
    const appointment = await booked('09:00');
    const mail = await send(appointment.id, 'reassigned');
    expect(mail.subject).toBe('Αλλαγή υπαλλήλου για το ραντεβού σας στο ΚΕΠ');
    expect(mail.text).toContain('άλλος υπάλληλος');
    expect(mail.text).toContain('09:00–09:20');
    expect((await calendarsOf(mail))[0]!.method).toBe('REQUEST');
  });

  it('rescheduled: the new time, and the old one cancelled in the calendar', async () => {
    const old = await booked('10:00');
    const moved = await booked('11:30', 'el', old.id);
    const mail = await send(moved.id, 'rescheduled');
    expect(mail.subject).toBe('Νέα ώρα για το ραντεβού σας στο ΚΕΠ');
    expect(mail.text).toContain('11:30–11:50');
    const calendars = await calendarsOf(mail);
    expect(calendars.map((c) => [c.method, c.uid])).toEqual([
      ['REQUEST', `${moved.reference}@eservices.example.gr`],
      ['CANCEL', `${old.reference}@eservices.example.gr`],
    ]);
  });

  it('is queued only if the transaction commits', async () => {
    const appointment = await booked('12:30');
    await ctx.db
      .transaction(async (trx) => {
        await sendAppointmentMail(ctx.deps, trx, appointment.id, 'booked');
        throw new Error('undone');
      })
      .catch(() => undefined);
    expect(await drainMail(ctx.deps)).toEqual([]);
    expect(await ctx.db('kep_manage_tokens').where({ appointment_id: appointment.id })).toEqual([]);
  });
});

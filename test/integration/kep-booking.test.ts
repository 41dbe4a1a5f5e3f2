import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bookSlot,
  MAX_ACTIVE_PER_AFM,
  type BookingInput,
  type BookingOutcome,
} from '../../src/features/kep/booking.service.ts';
import {
  down as unmigrateKep,
  up as migrateKep,
} from '../../src/features/kep/migrations/20261228090000_kep.ts';
import {
  down as unmigrateCalls,
  up as migrateCalls,
} from '../../src/features/kep/migrations/20261229090000_kep_call.ts';
import { athensInstant } from '../../src/lib/athens-time.ts';
import { athensDateTime } from '../../src/lib/format.ts';
import { createActiveUser } from '../helpers/accounts.ts';
import { afmMaker, clerkMaker, untilWaitingOnALock } from '../helpers/kep.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
const MONDAY_0900 = new Date('2026-03-02T07:00:00Z'); // 09:00 in Athens
let now = MONDAY_0900;
const clock = { now: () => now };
// No buffer in the booking rules, so the 20-minute area's slots are 20 minutes apart (the slots'
// own tests cover the buffer's step); appointments written straight in the table keep 5 minutes.
const settings = { bufferMinutes: 0, noticeMinutes: 120, horizonDays: 30 };
const DAY = '2026-03-04'; // a Wednesday
let areaId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  areaId = await areaIdOf('information-applications');
});

afterAll(async () => {
  await ctx.close();
});

beforeEach(async () => {
  now = MONDAY_0900;
  await ctx.db.raw(
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments, kep_clerk_areas, kep_clerk_hours, kep_absences, kep_closures CASCADE',
  );
  await ctx.db('kep_areas').update({ active: true });
});

async function areaIdOf(slug: string): Promise<number> {
  return ((await ctx.db('kep_areas').where({ slug }).first('id')) as { id: number }).id;
}

const newAfm = afmMaker(10_000_000);
const addAreaClerks = clerkMaker('kep-clerk');
const addClerks = (count: number) => addAreaClerks(ctx.db, areaId, count);

const person = (afm = newAfm()) => ({
  afm,
  fullName: 'Ελένη Παππά',
  email: 'eleni@example.gr',
  phone: '+306912345678',
});

function book(
  day: string,
  time: string,
  extra: Partial<BookingInput> = {},
): Promise<BookingOutcome> {
  return bookSlot(
    { db: ctx.db, clock },
    {
      areaId,
      startsAt: athensInstant(day, time),
      person: person(),
      details: { delivery: 'email', needs: { signLanguage: false, lipReading: false }, lang: 'el' },
      settings,
      ...extra,
    },
  );
}

let referenceCount = 0;
/** An appointment straight in the table (20 minutes, the 5-minute buffer stored after it). */
async function insertAppointment(
  clerkId: number,
  day: string,
  time: string,
  status = 'booked',
  conn: Knex = ctx.db,
) {
  referenceCount += 1;
  const start = athensInstant(day, time).getTime();
  const at = (ms: number) => new Date(ms);
  await conn.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email,
       starts_at, ends_at, buffered, status, room, cancelled_at)
     VALUES (?, ?, ?, ?, 'Δοκιμή', 'test@example.gr', ?, ?, tstzrange(?, ?), ?,
       'kep-test-room-' || ?::text || '-padding', CASE WHEN ? = 'cancelled' THEN now() END)`,
    [
      `ΚΕΠ-1999-${String(referenceCount).padStart(6, '0')}`,
      areaId,
      clerkId,
      newAfm(),
      at(start),
      at(start + 20 * 60_000),
      at(start),
      at(start + 25 * 60_000),
      status,
      referenceCount,
      status,
    ],
  );
}

const bookedCount = async () =>
  Number(
    (
      (await ctx.db('kep_appointments').where({ status: 'booked' }).count({ n: '*' }).first()) as {
        n: number;
      }
    ).n,
  );

const clerkOf = (outcome: BookingOutcome) =>
  'booked' in outcome ? outcome.booked.clerkId : undefined;
const wallTimes = (dates: Date[]) => dates.map((d) => athensDateTime(d));

describe('the ΚΕΠ tables', () => {
  it('hold the four service areas and the kep_manager role', async () => {
    const areas = (await ctx.db('kep_areas').orderBy('position')) as {
      name_el: string;
      minutes: number;
      active: boolean;
    }[];
    expect(areas.map((a) => a.name_el)).toEqual([
      'Πληροφόρηση-Αίτηση',
      'Υπηρεσίες προς Επιχειρήσεις',
      'Εξυπηρέτηση Πολιτών με Αναπηρία',
      'Δημοτικές Υπηρεσίες',
    ]);
    for (const area of areas) expect(area.minutes).toBeGreaterThanOrEqual(20);
    for (const area of areas) expect(area.minutes).toBeLessThanOrEqual(30);
    expect(await ctx.db('roles').where({ name: 'kep_manager' }).first()).toBeTruthy();
  });

  it('refuse an overlapping booked appointment of one clerk straight in SQL', async () => {
    const [a, b] = (await addClerks(2)) as [number, number];
    await insertAppointment(a, DAY, '10:00');
    // 10:20 with its buffer (10:15) meets 10:00's (to 10:25).
    await expect(insertAppointment(a, DAY, '10:20')).rejects.toMatchObject({
      code: '23P01',
      constraint: 'kep_appointments_no_overlap',
    });
    // Another clerk, a cancelled appointment, or one whose buffer only touches: all allowed.
    await insertAppointment(b, DAY, '10:20');
    await insertAppointment(a, DAY, '10:10', 'cancelled');
    await insertAppointment(a, DAY, '10:30');
    // A cancelled one made booked again over a booked one is refused too.
    await expect(
      ctx
        .db('kep_appointments')
        .where({ status: 'cancelled' })
        .update({ status: 'booked', cancelled_at: null }),
    ).rejects.toMatchObject({ code: '23P01' });
    expect(await bookedCount()).toBe(3);
  });

  it('go away with the migrations’ downs and come back with their ups', async () => {
    const trx = await ctx.db.transaction();
    try {
      // The calls' tables (the later migration) refer to the appointments: they go first.
      await unmigrateCalls(trx);
      expect(await trx.schema.hasTable('kep_calls')).toBe(false);
      await unmigrateKep(trx);
      expect(await trx.schema.hasTable('kep_areas')).toBe(false);
      expect(await trx('roles').where({ name: 'kep_manager' }).first()).toBeUndefined();
      await migrateKep(trx);
      await migrateCalls(trx);
      expect(await trx('kep_areas').count({ n: '*' }).first()).toEqual({ n: 4 });
      expect(await trx.schema.hasTable('kep_call_joins')).toBe(true);
    } finally {
      await trx.rollback();
    }
  });

  it('refuse overlapping hours of one clerk on one weekday', async () => {
    const [a] = (await addClerks(1)) as [number];
    await expect(
      ctx.db('kep_clerk_hours').insert({ clerk_id: a, weekday: 1, starts: '10:30', ends: '12:00' }),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'kep_clerk_hours_no_overlap' });
    await ctx
      .db('kep_clerk_hours')
      .insert({ clerk_id: a, weekday: 6, starts: '10:30', ends: '12:00' });
  });
});

describe('bookSlot', () => {
  it('books a free slot with a reference and the buffered interval', async () => {
    const [clerk] = (await addClerks(1)) as [number];
    const citizen = await createActiveUser(ctx.db, 'kep-citizen');
    // 10:40 is on the grid of 20-minute appointments with a 5-minute buffer (09:00, 09:25, …).
    const outcome = await book(DAY, '10:40', {
      person: { ...person(), citizenId: citizen.id },
      settings: { ...settings, bufferMinutes: 5 },
    });
    expect(outcome).toEqual({
      booked: {
        id: expect.any(Number) as number,
        reference: expect.stringMatching(/^ΚΕΠ-2026-\d{6}$/) as string,
        clerkId: clerk,
      },
    });
    const row = (await ctx.db.raw(
      `SELECT clerk_id, citizen_id, starts_at, ends_at, lower(buffered) AS b0, upper(buffered) AS b1,
         status, phone_e164 FROM kep_appointments`,
    )) as { rows: Record<string, unknown>[] };
    expect(row.rows).toEqual([
      {
        clerk_id: clerk,
        citizen_id: citizen.id,
        starts_at: new Date('2026-03-04T08:40:00Z'),
        ends_at: new Date('2026-03-04T09:00:00Z'),
        // The buffer follows the appointment: two of one clerk are one buffer apart.
        b0: new Date('2026-03-04T08:40:00Z'),
        b1: new Date('2026-03-04T09:05:00Z'),
        status: 'booked',
        phone_e164: '+306912345678',
      },
    ]);
  });

  it('makes exactly one appointment of 200 confirmations of one slot with one free clerk', async () => {
    await addClerks(1);
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => book(DAY, '10:00')));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<BookingOutcome>).value);
    expect(outcomes.filter((o) => 'booked' in o)).toHaveLength(1);
    const taken = outcomes.filter((o): o is { taken: { next: Date[] } } => 'taken' in o);
    expect(taken).toHaveLength(199);
    // The next free times of the clerk: 11:00–11:30 is a break.
    for (const outcome of taken)
      expect(wallTimes(outcome.taken.next)).toEqual([
        '2026-03-04 10:20',
        '2026-03-04 10:40',
        '2026-03-04 11:30',
      ]);
    expect(await bookedCount()).toBe(1);
  });

  it('makes exactly two appointments of 200 confirmations with two free clerks', async () => {
    const clerks = await addClerks(2);
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => book(DAY, '10:00')));
    const booked = outcomes.map(clerkOf).filter((id) => id !== undefined);
    expect(booked.sort((x, y) => x - y)).toEqual(clerks);
    expect(outcomes.filter((o) => 'taken' in o)).toHaveLength(198);
    expect(await bookedCount()).toBe(2);
  });

  it('tries the next free clerk when another transaction takes the chosen one meanwhile', async () => {
    const [a, b] = (await addClerks(2)) as [number, number];
    const other = await ctx.db.transaction();
    await insertAppointment(a, DAY, '10:00', 'booked', other);
    // Both clerks look free (the other booking is not committed): a is tried, waits, is refused.
    const outcome = book(DAY, '10:00');
    await untilWaitingOnALock(ctx.db);
    await other.commit();
    expect(clerkOf(await outcome)).toBe(b);
  });

  it('answers "taken" with times read again when the only clerk is taken meanwhile', async () => {
    const [a] = (await addClerks(1)) as [number];
    const other = await ctx.db.transaction();
    await insertAppointment(a, DAY, '10:00', 'booked', other);
    const outcome = book(DAY, '10:00');
    await untilWaitingOnALock(ctx.db);
    await other.commit();
    const taken = await outcome;
    expect('taken' in taken && wallTimes(taken.taken.next)).toEqual([
      '2026-03-04 10:40',
      '2026-03-04 11:30',
      '2026-03-04 11:50',
    ]);
    expect(await bookedCount()).toBe(1);
  });

  it('gives the appointment to the free clerk with the fewest that day, the lowest id on a tie', async () => {
    const [a, b, c] = (await addClerks(3)) as [number, number, number];
    await insertAppointment(a, DAY, '09:00');
    await insertAppointment(a, DAY, '09:40');
    await insertAppointment(b, DAY, '09:00');
    await insertAppointment(b, DAY, '09:40', 'cancelled');
    await insertAppointment(c, DAY, '09:40');
    for (const time of ['09:00', '09:40', '10:20']) await insertAppointment(c, '2026-03-05', time);
    expect(clerkOf(await book(DAY, '10:40'))).toBe(b);
    expect(clerkOf(await book(DAY, '11:30'))).toBe(c);
    expect(clerkOf(await book(DAY, '12:10'))).toBe(a);
    // A clerk not free then is passed over whatever the counts: only c is free at 09:00.
    expect(clerkOf(await book(DAY, '09:00'))).toBe(c);
  });

  it('refuses a time no clerk’s hours offer (an edited URL), booking nothing', async () => {
    await addClerks(1);
    for (const time of ['10:07', '11:00', '15:00', '08:40'])
      expect(await book(DAY, time), time).toEqual({ refused: 'notOffered' });
    const withSeconds = new Date(athensInstant(DAY, '10:00').getTime() + 30_000);
    expect(await book(DAY, '10:00', { startsAt: withSeconds })).toEqual({ refused: 'notOffered' });
    expect(await book(DAY, '10:00', { startsAt: new Date('nonsense') })).toEqual({
      refused: 'notOffered',
    });
    expect(await book(DAY, '10:00', { areaId: await areaIdOf('businesses') })).toEqual({
      refused: 'notOffered',
    });
    expect(await book(DAY, '10:00', { areaId: 999_999 })).toEqual({ refused: 'notOffered' });
    expect(await book(DAY, '10:00', { areaId: Number.NaN })).toEqual({ refused: 'notOffered' });
    await ctx.db('kep_areas').where({ id: areaId }).update({ active: false });
    expect(await book(DAY, '10:00')).toEqual({ refused: 'notOffered' });
    expect(await bookedCount()).toBe(0);
  });

  it('offers no appointments of a clerk who no longer holds the role', async () => {
    const [a] = (await addClerks(1)) as [number];
    await ctx.db('users').where({ id: a }).update({ roles: [] });
    expect(await book(DAY, '10:00')).toEqual({ refused: 'notOffered' });
  });

  it('refuses the past, the notice, beyond the horizon, holidays and closures', async () => {
    await addClerks(1);
    await ctx.db.raw(
      "INSERT INTO kep_closures (during, reason) VALUES (daterange('2026-03-06', '2026-03-06', '[]'), 'Απεργία')",
    );
    expect(await book('2026-03-02', '08:40')).toEqual({ refused: 'past' });
    expect(await book('2026-03-02', '10:40')).toEqual({ refused: 'notice' });
    expect(await book('2026-04-02', '10:00')).toEqual({ refused: 'horizon' });
    expect(await book('2026-03-25', '10:00')).toEqual({ refused: 'holiday' });
    expect(await book('2026-03-05', '10:00', { localFeast: { month: 3, day: 5 } })).toEqual({
      refused: 'holiday',
    });
    expect(await book('2026-03-06', '10:00')).toEqual({ refused: 'closed' });
    expect(await bookedCount()).toBe(0);
    // Exactly at the notice, on the last day of the horizon, the day after a closure: booked.
    const shortNotice = { settings: { ...settings, noticeMinutes: 100 } };
    expect(await book('2026-03-02', '10:40', shortNotice)).toHaveProperty('booked');
    for (const [day, time] of [
      ['2026-04-01', '10:00'],
      ['2026-03-09', '10:00'],
    ] as const)
      expect(await book(day, time), day).toHaveProperty('booked');
  });

  it('passes over clerks on leave, and offers the times after the leave when all are away', async () => {
    const [a, b] = (await addClerks(2)) as [number, number];
    await ctx.db.raw(
      "INSERT INTO kep_absences (clerk_id, during) VALUES (?, daterange(?, ?, '[]'))",
      [a, DAY, DAY],
    );
    expect(clerkOf(await book(DAY, '10:00'))).toBe(b);
    expect(await book(DAY, '10:00')).toEqual({
      taken: {
        next: [DAY, DAY, DAY].map((d, i) => athensInstant(d, ['10:20', '10:40', '11:30'][i]!)),
      },
    });
    expect(clerkOf(await book('2026-03-05', '10:00'))).toBe(a);

    await ctx.db.raw(
      "INSERT INTO kep_absences (clerk_id, during) VALUES (?, daterange('2026-03-05', '2026-03-06', '[]'))",
      [b],
    );
    await ctx.db.raw(
      "INSERT INTO kep_absences (clerk_id, during) VALUES (?, daterange('2026-03-06', '2026-03-06', '[]'))",
      [a],
    );
    const away = await book('2026-03-06', '10:00');
    expect('taken' in away && wallTimes(away.taken.next)).toEqual([
      '2026-03-09 09:00',
      '2026-03-09 09:20',
      '2026-03-09 09:40',
    ]);
  });

  it(`keeps each AFM to ${MAX_ACTIVE_PER_AFM} active appointments, even when booked at once`, async () => {
    await addClerks(1);
    const afm = newAfm();
    const times = ['09:00', '09:40', '10:20', '11:30', '12:10'];
    const outcomes = await Promise.all(times.map((t) => book(DAY, t, { person: person(afm) })));
    expect(outcomes.filter((o) => 'booked' in o)).toHaveLength(3);
    expect(outcomes.filter((o) => 'refused' in o && o.refused === 'tooMany')).toHaveLength(2);
    expect(await book(DAY, '13:30', { person: person(afm) })).toEqual({ refused: 'tooMany' });
    // Another person is not held back.
    expect(await book(DAY, '13:30')).toHaveProperty('booked');

    // A cancelled appointment frees a place; so does one that has ended.
    const first = (await ctx
      .db('kep_appointments')
      .where({ afm })
      .orderBy('starts_at')
      .first('id')) as { id: number };
    await ctx
      .db('kep_appointments')
      .where({ id: first.id })
      .update({ status: 'cancelled', cancelled_at: new Date() });
    expect(await book(DAY, '14:10', { person: person(afm) })).toHaveProperty('booked');
    expect(await book('2026-03-05', '10:00', { person: person(afm) })).toEqual({
      refused: 'tooMany',
    });
    const [earliest] = (await ctx
      .db('kep_appointments')
      .where({ afm, status: 'booked' })
      .orderBy('starts_at')
      .pluck('ends_at')) as Date[];
    now = earliest!;
    expect(await book('2026-03-05', '10:00', { person: person(afm) })).toHaveProperty('booked');
  });
});

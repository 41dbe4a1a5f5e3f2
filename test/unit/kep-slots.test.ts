import { athensInstant } from '../../src/lib/athens-time.ts';
import { describe, expect, it } from 'vitest';
import { athensDateTime } from '../../src/lib/format.ts';
import {
  clerksFreeAt,
  dayRefusal,
  freeDays,
  freeSlots,
  freeStartsAfter,
  isoWeekday,
  lastBookableDay,
  startRefusal,
  type ClerkTime,
  type SlotRules,
  type WeeklyHours,
} from '../../src/features/kep/slots.ts';

// Monday 2 March 2026, 08:00 in Athens (winter time, UTC+2).
const NOW = new Date('2026-03-02T06:00:00Z');
const rules = (extra: Partial<SlotRules> = {}): SlotRules => ({
  minutes: 30,
  bufferMinutes: 0,
  noticeMinutes: 120,
  horizonDays: 30,
  now: NOW,
  ...extra,
});

const weekdays = (starts: string, ends: string, days = [1, 2, 3, 4, 5]): WeeklyHours[] =>
  days.map((weekday) => ({ weekday, starts, ends }));

const clerk = (
  clerkId: number,
  hours: WeeklyHours[],
  extra: Partial<ClerkTime> = {},
): ClerkTime => ({
  clerkId,
  hours,
  absences: [],
  booked: [],
  ...extra,
});

/** A booked appointment's stored interval, in Athens wall times of one day. */
const interval = (day: string, from: string, to: string) => ({
  start: athensInstant(day, from),
  end: athensInstant(day, to),
});

const utc = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString().slice(0, 16));
const wall = (slots: { start: Date }[]) => slots.map((s) => athensDateTime(s.start).slice(11));

describe('athensInstant', () => {
  it('reads winter and summer wall times as their instants', () => {
    expect(athensInstant('2026-01-15', '09:00').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(athensInstant('2026-07-15', '09:00').toISOString()).toBe('2026-07-15T06:00:00.000Z');
    expect(athensInstant('2026-03-27', '09:00').toISOString()).toBe('2026-03-27T07:00:00.000Z');
    expect(athensInstant('2026-03-30', '09:00').toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(athensInstant('2026-10-23', '09:00').toISOString()).toBe('2026-10-23T06:00:00.000Z');
    expect(athensInstant('2026-10-26', '09:00').toISOString()).toBe('2026-10-26T07:00:00.000Z');
    // PostgreSQL's time columns come with seconds; midnight at the end of a day is the next day's.
    expect(athensInstant('2026-03-04', '09:00:00').toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(athensInstant('2026-03-04', '24:00').toISOString()).toBe('2026-03-04T22:00:00.000Z');
  });

  it('is right on the last Sunday of March (03:00 → 04:00)', () => {
    expect(athensInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(athensInstant('2026-03-29', '04:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(athensInstant('2026-03-29', '09:00').toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // A reading the clocks skip lands where they moved on to: 03:30 is 04:30 that night.
    expect(athensInstant('2026-03-29', '03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('is right on the last Sunday of October (04:00 → 03:00)', () => {
    expect(athensInstant('2026-10-25', '02:30').toISOString()).toBe('2026-10-24T23:30:00.000Z');
    // 03:00–03:59 is read twice: the first time (summer time) is taken.
    expect(athensInstant('2026-10-25', '03:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(athensInstant('2026-10-25', '04:00').toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(athensInstant('2026-10-25', '09:00').toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });
});

describe('isoWeekday', () => {
  it('maps days to 1 Monday … 7 Sunday', () => {
    expect(isoWeekday('2026-03-02')).toBe(1);
    expect(isoWeekday('2026-03-06')).toBe(5);
    expect(isoWeekday('2026-03-07')).toBe(6);
    expect(isoWeekday('2026-03-08')).toBe(7);
    expect(isoWeekday('2026-03-29')).toBe(7);
  });

  it('offers a clerk’s hours only on their weekday, weekends included', () => {
    const mondays = [clerk(1, weekdays('09:00', '10:00', [1]))];
    expect(utc(freeSlots('2026-03-09', rules(), mondays, []))).toEqual([
      '2026-03-09T07:00',
      '2026-03-09T07:30',
    ]);
    expect(freeSlots('2026-03-10', rules(), mondays, [])).toEqual([]);
    const sundays = [clerk(1, weekdays('09:00', '10:00', [7]))];
    expect(utc(freeSlots('2026-03-08', rules(), sundays, []))).toEqual([
      '2026-03-08T07:00',
      '2026-03-08T07:30',
    ]);
    expect(freeSlots('2026-03-09', rules(), sundays, [])).toEqual([]);
  });
});

describe('freeSlots', () => {
  it('steps by the area’s length from the start of the hours, each slot inside them', () => {
    const slots = freeSlots('2026-03-04', rules(), [clerk(1, weekdays('09:00', '11:00'))], []);
    expect(utc(slots)).toEqual([
      '2026-03-04T07:00',
      '2026-03-04T07:30',
      '2026-03-04T08:00',
      '2026-03-04T08:30',
    ]);
    expect(slots[0]).toEqual({
      start: new Date('2026-03-04T07:00:00Z'),
      end: new Date('2026-03-04T07:30:00Z'),
      clerkIds: [1],
    });
    const twenty = freeSlots(
      '2026-03-04',
      rules({ minutes: 20 }),
      [clerk(1, weekdays('09:00', '10:00'))],
      [],
    );
    expect(wall(twenty)).toEqual(['09:00', '09:20', '09:40']);
  });

  it('keeps breaks: no slot runs into one or past the end of a row', () => {
    const hours = [...weekdays('09:00', '11:00'), ...weekdays('11:30', '12:45')];
    const slots = freeSlots('2026-03-04', rules(), [clerk(1, hours)], []);
    expect(wall(slots)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:30', '12:00']);
  });

  it('lists each start once with every clerk free then, clerks’ hours starting at different times', () => {
    const clerks = [clerk(2, weekdays('09:30', '10:30')), clerk(1, weekdays('09:00', '10:00'))];
    const slots = freeSlots('2026-03-04', rules(), clerks, []);
    expect(slots.map((s) => [athensDateTime(s.start).slice(11), s.clerkIds])).toEqual([
      ['09:00', [1]],
      ['09:30', [1, 2]],
      ['10:00', [2]],
    ]);
    const offset = [clerk(1, weekdays('09:00', '10:00')), clerk(2, weekdays('09:10', '10:10'))];
    expect(wall(freeSlots('2026-03-04', rules(), offset, []))).toEqual([
      '09:00',
      '09:10',
      '09:30',
      '09:40',
    ]);
  });

  it('keeps the buffer around a clerk’s booked appointments', () => {
    // Slots of 30 minutes with a 10-minute buffer start 40 minutes apart (09:00, 09:40, 10:20,
    // 11:00). Booked 09:50–10:30 in another area, stored with its buffer as 09:50–10:40.
    const booked = [interval('2026-03-04', '09:50', '10:40')];
    const clerks = [clerk(1, weekdays('09:00', '12:00'), { booked })];
    expect(wall(freeSlots('2026-03-04', rules({ bufferMinutes: 10 }), clerks, []))).toEqual([
      '09:00',
      '11:00',
    ]);
    // With no buffer, an appointment may start when another ends (the intervals only touch).
    const touching = [
      clerk(1, weekdays('09:00', '12:00'), { booked: [interval('2026-03-04', '10:00', '10:30')] }),
    ];
    expect(wall(freeSlots('2026-03-04', rules(), touching, []))).toEqual([
      '09:00',
      '09:30',
      '10:30',
      '11:00',
      '11:30',
    ]);
    // Another clerk's appointment changes nothing for this one.
    const other = [
      clerk(1, weekdays('09:00', '10:00')),
      clerk(2, weekdays('09:00', '10:00'), { booked: [interval('2026-03-04', '09:00', '10:00')] }),
    ];
    expect(freeSlots('2026-03-04', rules(), other, []).map((s) => s.clerkIds)).toEqual([[1], [1]]);
  });

  it('offers nothing inside the minimum notice, and nothing in the past', () => {
    const clerks = [clerk(1, weekdays('09:00', '13:00'))];
    // 08:00 now, 2 hours' notice: 10:00 is the first.
    expect(wall(freeSlots('2026-03-02', rules(), clerks, []))).toEqual([
      '10:00',
      '10:30',
      '11:00',
      '11:30',
      '12:00',
      '12:30',
    ]);
    const at0810 = rules({ now: new Date('2026-03-02T06:10:00Z') });
    expect(wall(freeSlots('2026-03-02', at0810, clerks, []))[0]).toBe('10:30');
    const noNoticeAt11 = rules({ now: new Date('2026-03-02T09:00:00Z'), noticeMinutes: 0 });
    expect(wall(freeSlots('2026-03-02', noNoticeAt11, clerks, []))).toEqual([
      '11:00',
      '11:30',
      '12:00',
      '12:30',
    ]);
    const everyDay = [clerk(1, weekdays('09:00', '13:00', [1, 2, 3, 4, 5, 6, 7]))];
    expect(freeSlots('2026-03-01', rules(), everyDay, [])).toEqual([]);
    expect(dayRefusal('2026-03-01', rules(), [])).toBe('past');
  });

  it('offers nothing beyond the horizon', () => {
    const clerks = [clerk(1, weekdays('09:00', '10:00'))];
    expect(lastBookableDay(rules())).toBe('2026-04-01');
    expect(freeSlots('2026-04-01', rules(), clerks, [])).toHaveLength(2);
    expect(freeSlots('2026-04-02', rules(), clerks, [])).toEqual([]);
    expect(dayRefusal('2026-04-02', rules(), [])).toBe('horizon');
    expect(freeSlots('2026-04-02', rules({ horizonDays: 31 }), clerks, [])).toHaveLength(2);
  });

  it('offers nothing on public holidays or the municipality’s feast', () => {
    const clerks = [clerk(1, weekdays('09:00', '10:00'))];
    const spring = rules({ now: new Date('2026-03-20T06:00:00Z') });
    for (const holiday of ['2026-03-25', '2026-04-10', '2026-04-13']) {
      expect(freeSlots(holiday, spring, clerks, []), holiday).toEqual([]);
      expect(dayRefusal(holiday, spring, []), holiday).toBe('holiday');
    }
    expect(freeSlots('2026-04-14', spring, clerks, [])).toHaveLength(2);
    const feast = rules({ localFeast: { month: 3, day: 5 } });
    expect(freeSlots('2026-03-05', feast, clerks, [])).toEqual([]);
    expect(freeSlots('2026-03-05', rules(), clerks, [])).toHaveLength(2);
  });

  it('offers nothing on closed days, and nothing of a clerk on leave', () => {
    const clerks = [clerk(1, weekdays('09:00', '10:00')), clerk(2, weekdays('09:00', '10:00'))];
    const closures = [{ from: '2026-03-04', to: '2026-03-06' }];
    for (const day of ['2026-03-04', '2026-03-05', '2026-03-06'])
      expect(freeSlots(day, rules(), clerks, closures), day).toEqual([]);
    expect(dayRefusal('2026-03-05', rules(), closures)).toBe('closed');
    expect(freeSlots('2026-03-03', rules(), clerks, closures)).toHaveLength(2);
    expect(freeSlots('2026-03-09', rules(), clerks, closures)).toHaveLength(2);

    const onLeave = [
      clerk(1, weekdays('09:00', '10:00'), {
        absences: [{ from: '2026-03-04', to: '2026-03-05' }],
      }),
      clerk(2, weekdays('09:00', '10:00')),
    ];
    expect(freeSlots('2026-03-04', rules(), onLeave, []).map((s) => s.clerkIds)).toEqual([
      [2],
      [2],
    ]);
    expect(freeSlots('2026-03-06', rules(), onLeave, []).map((s) => s.clerkIds)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const bothAway = onLeave.map((c) => ({
      ...c,
      absences: [{ from: '2026-03-05', to: '2026-03-05' }],
    }));
    expect(freeSlots('2026-03-05', rules(), bothAway, [])).toEqual([]);
  });
});

describe('slots on the days the clocks change', () => {
  const sundayRules = rules({ now: new Date('2026-03-20T06:00:00Z'), noticeMinutes: 0 });
  const nightClerk = [clerk(1, weekdays('00:00', '06:00', [7]))];

  it('loses none and doubles none on the last Sunday of March', () => {
    const slots = freeSlots('2026-03-29', sundayRules, nightClerk, []);
    // 00:00 (UTC+2) to 06:00 (UTC+3) is five real hours: ten half-hour slots.
    expect(utc(slots)).toEqual([
      '2026-03-28T22:00',
      '2026-03-28T22:30',
      '2026-03-28T23:00',
      '2026-03-28T23:30',
      '2026-03-29T00:00',
      '2026-03-29T00:30',
      '2026-03-29T01:00',
      '2026-03-29T01:30',
      '2026-03-29T02:00',
      '2026-03-29T02:30',
    ]);
    expect(wall(slots)).toEqual([
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
      '04:00',
      '04:30',
      '05:00',
      '05:30',
    ]);
    expectEvenlySpaced(slots, 30);
    const day = [clerk(1, weekdays('09:00', '10:00', [7]))];
    expect(utc(freeSlots('2026-03-29', sundayRules, day, []))).toEqual([
      '2026-03-29T06:00',
      '2026-03-29T06:30',
    ]);
  });

  it('loses none and doubles none on the last Sunday of October', () => {
    const autumn = { ...sundayRules, now: new Date('2026-10-20T06:00:00Z') };
    const slots = freeSlots('2026-10-25', autumn, nightClerk, []);
    // 00:00 (UTC+3) to 06:00 (UTC+2) is seven real hours: fourteen slots, 03:00–04:00 read twice.
    expect(slots).toHaveLength(14);
    expect(slots[0]!.start.toISOString()).toBe('2026-10-24T21:00:00.000Z');
    expect(slots[13]!.start.toISOString()).toBe('2026-10-25T03:30:00.000Z');
    expect(wall(slots)).toEqual([
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
      '03:00',
      '03:30',
      '03:00',
      '03:30',
      '04:00',
      '04:30',
      '05:00',
      '05:30',
    ]);
    expectEvenlySpaced(slots, 30);
    const day = [clerk(1, weekdays('09:00', '10:00', [7]))];
    expect(utc(freeSlots('2026-10-25', autumn, day, []))).toEqual([
      '2026-10-25T07:00',
      '2026-10-25T07:30',
    ]);
  });

  it('keeps a booking’s buffer across the change', () => {
    // Booked 02:30–04:30 on Athens' clocks that March night: one real hour, 00:30Z–01:30Z.
    const booked = [interval('2026-03-29', '02:30', '04:30')];
    const slots = freeSlots('2026-03-29', sundayRules, [{ ...nightClerk[0]!, booked }], []);
    expect(wall(slots)).toEqual([
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '04:30',
      '05:00',
      '05:30',
    ]);
  });
});

function expectEvenlySpaced(slots: { start: Date }[], minutes: number) {
  for (let i = 1; i < slots.length; i += 1)
    expect(slots[i]!.start.getTime() - slots[i - 1]!.start.getTime()).toBe(minutes * 60_000);
}

describe('freeDays', () => {
  const clerks = [clerk(1, weekdays('09:00', '13:00'))];

  it('lists the days with a free slot: not weekends, closures or full days', () => {
    const full = [
      clerk(1, weekdays('09:00', '13:00'), { booked: [interval('2026-03-03', '09:00', '13:00')] }),
    ];
    const closures = [{ from: '2026-03-11', to: '2026-03-12' }];
    expect(freeDays('2026-02-25', '2026-03-13', rules(), full, closures)).toEqual([
      '2026-03-02',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-09',
      '2026-03-10',
      '2026-03-13',
    ]);
  });

  it('leaves out today when the notice leaves nothing, holidays, and days beyond the horizon', () => {
    const late = rules({ now: new Date('2026-04-01T09:00:00Z') }); // 12:00 on 1 April
    expect(freeDays('2026-04-01', '2026-05-30', late, clerks, [])).toEqual([
      '2026-04-02',
      '2026-04-03',
      '2026-04-06',
      '2026-04-07',
      '2026-04-08',
      '2026-04-09',
      '2026-04-14',
      '2026-04-15',
      '2026-04-16',
      '2026-04-17',
      '2026-04-20',
      '2026-04-21',
      '2026-04-22',
      '2026-04-23',
      '2026-04-24',
      '2026-04-27',
      '2026-04-28',
      '2026-04-29',
      '2026-04-30',
    ]);
  });
});

describe('clerksFreeAt and startRefusal', () => {
  const clerks = [
    clerk(1, weekdays('09:00', '12:00')),
    clerk(2, weekdays('09:00', '12:00'), { booked: [interval('2026-03-04', '09:55', '10:35')] }),
    clerk(3, weekdays('09:00', '12:00'), { absences: [{ from: '2026-03-04', to: '2026-03-04' }] }),
  ];

  it('names the clerks free for a slot start, and tells an edited time from a taken one', () => {
    const ten = athensInstant('2026-03-04', '10:00');
    expect(clerksFreeAt(ten, rules(), clerks)).toEqual({
      offered: true,
      clerkIds: [1],
    });
    const sevenPast = athensInstant('2026-03-04', '10:07');
    expect(clerksFreeAt(sevenPast, rules(), clerks)).toEqual({ offered: false, clerkIds: [] });
    const closing = athensInstant('2026-03-04', '12:00');
    expect(clerksFreeAt(closing, rules(), clerks).offered).toBe(false);
    const allTaken = [clerks[1]!, clerks[2]!];
    expect(clerksFreeAt(ten, rules(), allTaken)).toEqual({ offered: true, clerkIds: [] });
  });

  it('refuses starts in the past, inside the notice, beyond the horizon, on holidays and closures', () => {
    const closures = [{ from: '2026-03-06', to: '2026-03-06' }];
    const refusal = (day: string, time: string) =>
      startRefusal(athensInstant(day, time), rules(), closures);
    expect(refusal('2026-03-02', '07:30')).toBe('past');
    expect(refusal('2026-03-02', '09:30')).toBe('notice');
    expect(refusal('2026-03-02', '10:00')).toBeUndefined();
    expect(refusal('2026-04-02', '10:00')).toBe('horizon');
    expect(refusal('2026-03-25', '10:00')).toBe('holiday');
    expect(refusal('2026-03-06', '10:00')).toBe('closed');
    expect(refusal('2026-03-05', '10:00')).toBeUndefined();
  });
});

describe('freeStartsAfter', () => {
  it('finds the next free times, going on to the next days', () => {
    const clerks = [clerk(1, weekdays('09:00', '13:00'))];
    const after = athensInstant('2026-03-04', '12:00');
    const next = freeStartsAfter(
      after,
      3,
      { from: '2026-03-04', to: '2026-03-10' },
      rules(),
      clerks,
      [],
    );
    expect(next.map((d) => athensDateTime(d))).toEqual([
      '2026-03-04 12:30',
      '2026-03-05 09:00',
      '2026-03-05 09:30',
    ]);
    const friday = athensInstant('2026-03-06', '12:30');
    expect(
      freeStartsAfter(friday, 2, { from: '2026-03-06', to: '2026-03-10' }, rules(), clerks, []).map(
        (d) => athensDateTime(d),
      ),
    ).toEqual(['2026-03-09 09:00', '2026-03-09 09:30']);
  });
});

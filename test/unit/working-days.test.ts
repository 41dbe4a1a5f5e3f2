import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  dueDate,
  holidayOn,
  isWorkingDay,
  orthodoxEaster,
  publicHolidays,
  workingDaysBetween,
} from '../../src/lib/working-days.ts';

describe('Orthodox Easter', () => {
  it('falls on the known dates', () => {
    expect(orthodoxEaster(2021)).toBe('2021-05-02');
    expect(orthodoxEaster(2023)).toBe('2023-04-16');
    expect(orthodoxEaster(2024)).toBe('2024-05-05');
    expect(orthodoxEaster(2025)).toBe('2025-04-20');
    expect(orthodoxEaster(2026)).toBe('2026-04-12');
    expect(orthodoxEaster(2027)).toBe('2027-05-02');
    // Always a Sunday.
    for (let year = 1950; year <= 2099; year += 1)
      expect(new Date(`${orthodoxEaster(year)}T12:00:00Z`).getUTCDay(), String(year)).toBe(0);
  });

  it('refuses a year outside the computus’s range', () => {
    expect(() => orthodoxEaster(2100)).toThrow(RangeError);
  });
});

describe('Greek public holidays', () => {
  it('has the fixed ones and those that move with Easter (2026)', () => {
    const holidays = Object.fromEntries(publicHolidays(2026));
    expect(holidays).toEqual({
      '2026-01-01': 'newYear',
      '2026-01-06': 'epiphany',
      '2026-02-23': 'cleanMonday',
      '2026-03-25': 'independence',
      '2026-04-10': 'goodFriday',
      '2026-04-13': 'easterMonday',
      '2026-05-01': 'labourDay',
      '2026-06-01': 'whitMonday',
      '2026-08-15': 'assumption',
      '2026-10-28': 'ohiDay',
      '2026-12-25': 'christmas',
      '2026-12-26': 'synaxis',
    });
  });

  it('moves Labour Day to the Tuesday after Easter when 1 May falls in Holy Week or at Easter', () => {
    // 2024: 1 May was Holy Wednesday, kept on 7 May; 2021 and 2027: Holy Saturday, on 4 May.
    expect(holidayOn('2024-05-01')).toBeUndefined();
    expect(holidayOn('2024-05-07')).toBe('labourDay');
    expect(holidayOn('2021-05-04')).toBe('labourDay');
    expect(holidayOn('2027-05-04')).toBe('labourDay');
    expect(holidayOn('2025-05-01')).toBe('labourDay');
  });

  it('adds the municipality’s feast when it has one', () => {
    const feast = { month: 12, day: 6 };
    expect(isWorkingDay('2027-12-06')).toBe(true);
    expect(isWorkingDay('2027-12-06', feast)).toBe(false);
    expect(holidayOn('2027-12-06', feast)).toBe('localFeast');
  });
});

describe('working days', () => {
  it('skips weekends and holidays', () => {
    expect(isWorkingDay('2026-04-09')).toBe(true); // Holy Thursday
    expect(isWorkingDay('2026-04-10')).toBe(false); // Good Friday
    expect(isWorkingDay('2026-04-11')).toBe(false); // Saturday
    // Friday 3 April 2026 + 5: 6, 7, 8, 9, (Good Friday, weekend, Easter Monday), 14.
    expect(addWorkingDays('2026-04-03', 5)).toBe('2026-04-14');
    expect(addWorkingDays('2026-12-24', 2)).toBe('2026-12-29');
    expect(addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(workingDaysBetween('2026-04-03', '2026-04-14')).toBe(5);
  });

  it('counts from the day in Athens, whatever the machine’s zone', () => {
    // 22:30 UTC on Thursday 26 March 2026 is already Friday 27 in Athens: one working day later
    // is Monday 30, not Friday 27.
    expect(dueDate(new Date('2026-03-26T22:30:00Z'), 1)).toBe('2026-03-30');
    // Summer time begins on 29 March: 21:30 UTC on Sunday 29 is 00:30 on Monday 30 in Athens.
    expect(dueDate(new Date('2026-03-29T21:30:00Z'), 1)).toBe('2026-03-31');
  });
});

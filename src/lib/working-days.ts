import { addDays } from './dates.ts';
import { athensDate } from './format.ts';

/**
 * Working days in Greece: Monday to Friday, except the public holidays (the fixed ones, those
 * that move with Orthodox Easter, and the municipality's own feast). Deadlines counted in working
 * days (requests, certificates) and bookable days (ΚΕΠ) are computed here.
 */

/** A holiday by its key (`holidays.<key>` names it in both languages). */
export type HolidayKey =
  | 'newYear'
  | 'epiphany'
  | 'independence'
  | 'cleanMonday'
  | 'goodFriday'
  | 'easterMonday'
  | 'labourDay'
  | 'whitMonday'
  | 'assumption'
  | 'ohiDay'
  | 'christmas'
  | 'synaxis'
  | 'localFeast';

/** The municipality's feast (its patron saint's day), a month and day; none: `undefined`. */
export interface LocalFeast {
  month: number;
  day: number;
}

const FIXED: readonly [string, HolidayKey][] = [
  ['01-01', 'newYear'],
  ['01-06', 'epiphany'],
  ['03-25', 'independence'],
  ['08-15', 'assumption'],
  ['10-28', 'ohiDay'],
  ['12-25', 'christmas'],
  ['12-26', 'synaxis'],
];

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Orthodox Easter Sunday of a year (1900–2099) as an ISO date: Meeus's Julian computus, then
 * 13 days to the Gregorian calendar. 2025-04-20, 2026-04-12, 2027-05-02.
 */
export function orthodoxEaster(year: number): string {
  if (!Number.isInteger(year) || year < 1900 || year > 2099)
    throw new RangeError(`Orthodox Easter is computed for 1900–2099, not ${year}`);
  const d = (19 * (year % 19) + 15) % 30;
  const e = (2 * (year % 4) + 4 * (year % 7) - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  return addDays(`${year}-${pad(month)}-${pad(day)}`, 13);
}

/**
 * The public holidays of a year, by ISO date. Labour Day (1 May) moves to the Tuesday after
 * Easter when it falls in Holy Week or on Easter Sunday or Monday, as the state decides each
 * such year (2021, 2024).
 */
export function publicHolidays(year: number, localFeast?: LocalFeast): Map<string, HolidayKey> {
  const easter = orthodoxEaster(year);
  const holidays = new Map<string, HolidayKey>();
  for (const [monthDay, key] of FIXED) holidays.set(`${year}-${monthDay}`, key);
  holidays.set(addDays(easter, -48), 'cleanMonday');
  holidays.set(addDays(easter, -2), 'goodFriday');
  holidays.set(addDays(easter, 1), 'easterMonday');
  holidays.set(addDays(easter, 50), 'whitMonday');
  const mayDay = `${year}-05-01`;
  const inHolyWeekOrEaster = mayDay >= addDays(easter, -6) && mayDay <= addDays(easter, 1);
  holidays.set(inHolyWeekOrEaster ? addDays(easter, 2) : mayDay, 'labourDay');
  if (localFeast) {
    const feast = `${year}-${pad(localFeast.month)}-${pad(localFeast.day)}`;
    if (!holidays.has(feast)) holidays.set(feast, 'localFeast');
  }
  return holidays;
}

const byYear = new Map<string, Map<string, HolidayKey>>();

/** The holiday on an ISO date, if it is one. */
export function holidayOn(iso: string, localFeast?: LocalFeast): HolidayKey | undefined {
  const year = Number(iso.slice(0, 4));
  const cacheKey = `${year}:${localFeast ? `${localFeast.month}-${localFeast.day}` : ''}`;
  let holidays = byYear.get(cacheKey);
  if (!holidays) {
    holidays = publicHolidays(year, localFeast);
    byYear.set(cacheKey, holidays);
  }
  return holidays.get(iso);
}

/** Whether an ISO date is a working day: Monday to Friday and no holiday. */
export function isWorkingDay(iso: string, localFeast?: LocalFeast): boolean {
  const weekday = new Date(`${iso}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return holidayOn(iso, localFeast) === undefined;
}

/**
 * The ISO date `count` working days after an ISO date (the date itself not counted):
 * a request filed on Friday with a deadline of 1 working day is due on Monday.
 */
export function addWorkingDays(iso: string, count: number, localFeast?: LocalFeast): string {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`not a count: ${count}`);
  let date = iso;
  for (let left = count; left > 0;) {
    date = addDays(date, 1);
    if (isWorkingDay(date, localFeast)) left -= 1;
  }
  return date;
}

/** The due date, in Athens, of something received at `instant` with `count` working days. */
export function dueDate(instant: Date, count: number, localFeast?: LocalFeast): string {
  return addWorkingDays(athensDate(instant), count, localFeast);
}

/** Working days from one ISO date to a later one (the first not counted, the last counted). */
export function workingDaysBetween(from: string, to: string, localFeast?: LocalFeast): number {
  let count = 0;
  for (let date = addDays(from, 1); date <= to; date = addDays(date, 1))
    if (isWorkingDay(date, localFeast)) count += 1;
  return count;
}

import { addDays } from '../../lib/dates.ts';
import { athensInstant } from '../../lib/athens-time.ts';
import { athensDate } from '../../lib/format.ts';
import { holidayOn, type LocalFeast } from '../../lib/working-days.ts';

/**
 * Free ΚΕΠ appointment times, worked out without the database: the booking pages list them and
 * the booking service re-checks a chosen time with the same functions, so the two cannot differ.
 * Clerks' hours are Athens wall time; what comes out is instants.
 */

/** A row of a clerk's week: ISO weekday (1 Monday … 7 Sunday), wall times 'HH:MM' (or 'HH:MM:SS'). */
export interface WeeklyHours {
  weekday: number;
  starts: string;
  ends: string;
}

/** Whole days, both ends included (ISO dates): a leave, a closure. */
export interface DateRange {
  from: string;
  to: string;
}

/** [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** What the slots of one clerk depend on. */
export interface ClerkTime {
  clerkId: number;
  hours: readonly WeeklyHours[];
  absences: readonly DateRange[];
  /** The buffered intervals of the clerk's booked appointments, as stored. */
  booked: readonly Interval[];
}

export interface SlotRules {
  /** The area's appointment length. */
  minutes: number;
  bufferMinutes: number;
  noticeMinutes: number;
  horizonDays: number;
  now: Date;
  localFeast?: LocalFeast;
}

export interface FreeSlot {
  start: Date;
  end: Date;
  /** The clerks free for it, lowest id first. */
  clerkIds: number[];
}

export type DayRefusal = 'past' | 'horizon' | 'holiday' | 'closed';
export type StartRefusal = DayRefusal | 'notice';

const MINUTE = 60_000;

/** 1 Monday … 7 Sunday. */
export function isoWeekday(isoDate: string): number {
  return new Date(`${isoDate}T12:00:00Z`).getUTCDay() || 7;
}

const covers = (range: DateRange, day: string) => range.from <= day && day <= range.to;

/** The last day that may be booked: the horizon counts calendar days in Athens from today. */
export function lastBookableDay(rules: Pick<SlotRules, 'now' | 'horizonDays'>): string {
  return addDays(athensDate(rules.now), rules.horizonDays);
}

/**
 * Why no appointment can be made on a day, if none can. Weekends are not refused here: a ΚΕΠ
 * open on Saturdays says so with its clerks' hours.
 */
export function dayRefusal(
  day: string,
  rules: SlotRules,
  closures: readonly DateRange[],
): DayRefusal | undefined {
  if (day < athensDate(rules.now)) return 'past';
  if (day > lastBookableDay(rules)) return 'horizon';
  if (holidayOn(day, rules.localFeast)) return 'holiday';
  if (closures.some((closure) => covers(closure, day))) return 'closed';
  return undefined;
}

/** Why an appointment cannot start at an instant, whoever would take it, if it cannot. */
export function startRefusal(
  start: Date,
  rules: SlotRules,
  closures: readonly DateRange[],
): StartRefusal | undefined {
  if (start.getTime() < rules.now.getTime()) return 'past';
  if (start.getTime() < rules.now.getTime() + rules.noticeMinutes * MINUTE) return 'notice';
  return dayRefusal(athensDate(start), rules, closures);
}

/**
 * A clerk's slot starts on a day (ms): from each row's start, one appointment and one buffer
 * apart (so back-to-back bookings lose no time to the buffer), each appointment inside its row.
 * Stepped in real time, so a row across a clock change holds the slots its real length holds,
 * none lost, none twice.
 */
function slotStarts(
  day: string,
  rules: Pick<SlotRules, 'minutes' | 'bufferMinutes'>,
  hours: readonly WeeklyHours[],
): number[] {
  const weekday = isoWeekday(day);
  const length = rules.minutes * MINUTE;
  const step = length + rules.bufferMinutes * MINUTE;
  const starts: number[] = [];
  for (const row of hours.filter((h) => h.weekday === weekday)) {
    const end = athensInstant(day, row.ends).getTime();
    for (let t = athensInstant(day, row.starts).getTime(); t + length <= end; t += step)
      starts.push(t);
  }
  return starts;
}

/**
 * Whether [start, end + buffer) meets none of the booked buffered intervals. Each appointment is
 * stored with the buffer after it, so two of one clerk are at least one buffer apart, whichever
 * comes first.
 */
function isFree(booked: readonly Interval[], start: number, end: number, bufferMinutes: number) {
  const from = start;
  const to = end + bufferMinutes * MINUTE;
  return booked.every((b) => b.end.getTime() <= from || b.start.getTime() >= to);
}

/** The booked intervals that can touch a slot of the day: the rest need not be looked at again. */
function bookedAround(booked: readonly Interval[], day: string, bufferMinutes: number) {
  const from = athensInstant(day, '00:00').getTime() - bufferMinutes * MINUTE;
  const to = athensInstant(addDays(day, 1), '00:00').getTime() + bufferMinutes * MINUTE;
  return booked.filter((b) => b.end.getTime() > from && b.start.getTime() < to);
}

const isAway = (clerk: ClerkTime, day: string) => clerk.absences.some((a) => covers(a, day));

/**
 * Who could take an appointment starting at an instant, and whether any clerk's hours offer that
 * start at all (`offered`: a time edited into a URL is not). Free: the start is one of their
 * slots, they are not away that day, and the buffered appointment meets none of theirs. Whether
 * the time may be booked at all (notice, holiday…) is `startRefusal`'s question.
 */
export function clerksFreeAt(
  start: Date,
  rules: Pick<SlotRules, 'minutes' | 'bufferMinutes'>,
  clerks: readonly ClerkTime[],
): { offered: boolean; clerkIds: number[] } {
  const day = athensDate(start);
  const ms = start.getTime();
  const offering = clerks.filter((c) => slotStarts(day, rules, c.hours).includes(ms));
  const end = ms + rules.minutes * MINUTE;
  const clerkIds = offering
    .filter((c) => !isAway(c, day) && isFree(c.booked, ms, end, rules.bufferMinutes))
    .map((c) => c.clerkId)
    .sort((a, b) => a - b);
  return { offered: offering.length > 0, clerkIds };
}

/** The free start times of a day (Athens), each with the clerks free for it. */
export function freeSlots(
  day: string,
  rules: SlotRules,
  clerks: readonly ClerkTime[],
  closures: readonly DateRange[],
): FreeSlot[] {
  if (dayRefusal(day, rules, closures)) return [];
  const earliest = rules.now.getTime() + rules.noticeMinutes * MINUTE;
  const length = rules.minutes * MINUTE;
  const free = new Map<number, number[]>();
  for (const clerk of clerks) {
    if (isAway(clerk, day)) continue;
    const booked = bookedAround(clerk.booked, day, rules.bufferMinutes);
    for (const start of slotStarts(day, rules, clerk.hours)) {
      if (start < earliest || !isFree(booked, start, start + length, rules.bufferMinutes)) continue;
      free.set(start, [...(free.get(start) ?? []), clerk.clerkId]);
    }
  }
  return [...free.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, ids]) => ({
      start: new Date(start),
      end: new Date(start + length),
      clerkIds: ids.sort((a, b) => a - b),
    }));
}

/** The days from `from` to `to` (ISO, included) with at least one free slot, within the horizon. */
export function freeDays(
  from: string,
  to: string,
  rules: SlotRules,
  clerks: readonly ClerkTime[],
  closures: readonly DateRange[],
): string[] {
  const today = athensDate(rules.now);
  const last = lastBookableDay(rules);
  const days: string[] = [];
  for (let day = from < today ? today : from; day <= to && day <= last; day = addDays(day, 1))
    if (freeSlots(day, rules, clerks, closures).length) days.push(day);
  return days;
}

/** Up to `count` free start times after an instant, on the days of `days` (within the horizon). */
export function freeStartsAfter(
  after: Date,
  count: number,
  days: DateRange,
  rules: SlotRules,
  clerks: readonly ClerkTime[],
  closures: readonly DateRange[],
): Date[] {
  const found: Date[] = [];
  for (let day = days.from; day <= days.to && found.length < count; day = addDays(day, 1))
    for (const slot of freeSlots(day, rules, clerks, closures))
      if (slot.start.getTime() > after.getTime() && found.length < count) found.push(slot.start);
  return found;
}

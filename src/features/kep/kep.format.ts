import { athensDate, athensDateTime } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';

/**
 * How the ΚΕΠ's pages and mails write a day and a time: one writer each, so the booking steps,
 * the citizen's appointments, the clerk's schedule and the mails read alike.
 */

/** Made once: a formatter costs far more to make than to use (the day page lists 20 or more). */
const FULL_DAY = {
  el: new Intl.DateTimeFormat('el-GR', { dateStyle: 'full', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }),
};

/** A day (ISO date) with its weekday: 'Πέμπτη 3 Δεκεμβρίου 2026' / 'Thursday, 3 December 2026'. */
export function dayLabel(day: string, lang: Lang): string {
  return FULL_DAY[lang === 'en' ? 'en' : 'el'].format(new Date(`${day}T12:00:00Z`));
}

/** An instant's time on Athens' clock: '09:30'. */
export function clockTime(instant: Date): string {
  return athensDateTime(instant).slice(11, 16);
}

/** An appointment's time as the ΚΕΠ's pages write it: '09:30–09:50' (Athens). */
export function timeRange(start: Date, end: Date): string {
  return `${clockTime(start)}–${clockTime(end)}`;
}

/** An appointment's day and times on Athens' clock, as pages and mails show them. */
export function appointmentWhen(
  startsAt: Date,
  endsAt: Date,
  lang: Lang,
): { day: string; date: string; starts: string; ends: string } {
  const day = athensDate(startsAt);
  return { day, date: dayLabel(day, lang), starts: clockTime(startsAt), ends: clockTime(endsAt) };
}

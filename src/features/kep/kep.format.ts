import { athensDateTime, formatDate } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';

/** Made once: a formatter costs far more to make than to use (the day page lists 20 or more). */
const WEEKDAY = {
  el: new Intl.DateTimeFormat('el-GR', { weekday: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }),
};

/** A day as the ΚΕΠ's pages write it: 'Πέμπτη 3 Δεκεμβρίου 2026'. */
export function dayLabel(day: string, lang: Lang): string {
  const weekday = WEEKDAY[lang === 'en' ? 'en' : 'el'].format(new Date(`${day}T12:00:00Z`));
  return `${weekday} ${formatDate(day, lang)}`;
}

/** An appointment's time as the ΚΕΠ's pages write it: '09:30–09:50' (Athens). */
export function timeRange(start: Date, end: Date): string {
  return `${athensDateTime(start).slice(11, 16)}–${athensDateTime(end).slice(11, 16)}`;
}

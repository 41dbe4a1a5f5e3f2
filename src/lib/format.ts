import type { Lang } from './localized.ts';

const longDate = {
  el: new Intl.DateTimeFormat('el-GR', { dateStyle: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }),
};

const formatted = { el: new Map<string, string>(), en: new Map<string, string>() };

/** '2026-03-15' -> '15 Μαρτίου 2026' / '15 March 2026'. Meeting dates are calendar days, so UTC. */
export function formatDate(isoDate: string, lang: Lang): string {
  const known = formatted[lang].get(isoDate);
  if (known !== undefined) return known;
  const text = longDate[lang].format(new Date(`${isoDate}T00:00:00Z`));
  // Intl formatting is slow and pages repeat dates; a year of days is a small map.
  if (formatted[lang].size > 20_000) formatted[lang].clear();
  formatted[lang].set(isoDate, text);
  return text;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A file's size in whole kilobytes as pages show it: never 0 for a file that has bytes. */
export function kilobytes(bytes: number): number {
  return Math.max(1, Math.round(bytes / 1024));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes text, then turns the search engine's match markers into <mark> elements. */
export function highlight(text: string, start: string, end: string): string {
  return escapeHtml(text).split(start).join('<mark>').split(end).join('</mark>');
}

/**
 * Marks where an excerpt of `whole` was cut with '…': before it when it does not start where the
 * text does, after it when it does not end where the text ends. `fragments` splits an excerpt
 * made of several pieces (each already joined by '…'); `plain` strips any markers from it.
 */
export function markCuts(
  excerpt: string,
  whole: string,
  options: { fragments: string; plain: (text: string) => string },
): string {
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  const pieces = options.plain(excerpt).split(options.fragments).map(squash);
  const text = squash(whole);
  const before = text.startsWith(pieces[0] ?? '') ? '' : '… ';
  const after = text.endsWith(pieces[pieces.length - 1] ?? '') ? '' : ' …';
  return `${before}${excerpt.trim()}${after}`;
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}

/** Times are shown as the municipality's clocks read them, summer time included. */
export const MUNICIPALITY_TIME_ZONE = 'Europe/Athens';

const localParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: MUNICIPALITY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** What Athens' clocks read at an instant, field by field (year, month, day, hour, minute, second). */
export function athensParts(instant: Date): Record<string, string> {
  return Object.fromEntries(localParts.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** The calendar day in Athens of an instant: '2026-03-29' for 22:30 UTC on 28 March. */
export function athensDate(instant: Date): string {
  const p = athensParts(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant written out on Athens' clock, as people read it: "1 Δεκεμβρίου 2026, 23:18". */
export function formatDateTime(instant: Date, lang: Lang): string {
  return `${formatDate(athensDate(instant), lang)}, ${athensDateTime(instant).slice(11, 16)}`;
}

/** An instant on Athens' clock: '2026-03-29 04:30', with `seconds` '2026-03-29 04:30:00'. */
export function athensDateTime(instant: Date, options: { seconds?: boolean } = {}): string {
  const p = athensParts(instant);
  const time = `${p.hour}:${p.minute}${options.seconds ? `:${p.second}` : ''}`;
  return `${p.year}-${p.month}-${p.day} ${time}`;
}

const money = {
  el: new Intl.NumberFormat('el-GR', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};

/** An amount kept in cents, as the page's language writes euros: "1.234,50 €" / "€1,234.50". */
export function formatMoney(cents: number, lang: Lang): string {
  return money[lang].format(cents / 100);
}

/**
 * When something was paid, as banks report it: with its time, or only the day when the report
 * gave no time (midnight in Athens, as an import stores a date alone).
 */
export function formatPaidAt(instant: Date, lang: Lang): string {
  return athensDateTime(instant).endsWith(' 00:00')
    ? formatDate(athensDate(instant), lang)
    : formatDateTime(instant, lang);
}

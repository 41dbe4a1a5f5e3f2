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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes text, then turns the search engine's match markers into <mark> elements. */
export function highlight(text: string, start: string, end: string): string {
  return escapeHtml(text).split(start).join('<mark>').split(end).join('</mark>');
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}

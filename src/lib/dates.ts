/**
 * Calendar dates as people type them: GOV.UK's date input (day, month, year) and ISO strings.
 * `Date.parse` accepts 2026-02-31 (it rolls over to March); these functions do not.
 */

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export type DateProblem = 'required' | 'incomplete' | 'invalid';

export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** A strict YYYY-MM-DD that names a real day, or undefined. */
export function parseIsoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isRealDate(year, month, day) ? match.slice(1, 4).join('-') : undefined;
}

/** The three fields `<name>-day`, `<name>-month`, `<name>-year` of a form or query. */
export function readDateParts(source: unknown, name: string): DateParts {
  const values = (source ?? {}) as Record<string, unknown>;
  const read = (part: string) => {
    const value = values[`${name}-${part}`];
    return typeof value === 'string' ? value.trim().slice(0, 8) : '';
  };
  return { day: read('day'), month: read('month'), year: read('year') };
}

export function isEmptyDate(parts: DateParts): boolean {
  return !parts.day && !parts.month && !parts.year;
}

/** Day, month and year as an ISO date, or why they are not one. Empty is `required`. */
export function datePartsToIso(
  parts: DateParts,
): { iso: string; problem?: undefined } | { iso?: undefined; problem: DateProblem } {
  if (isEmptyDate(parts)) return { problem: 'required' };
  if (!parts.day || !parts.month || !parts.year) return { problem: 'incomplete' };
  if (![parts.day, parts.month, parts.year].every((p) => /^\d+$/.test(p)))
    return { problem: 'invalid' };
  const [day, month, year] = [Number(parts.day), Number(parts.month), Number(parts.year)];
  if (!isRealDate(year, month, day)) return { problem: 'invalid' };
  const pad = (n: number) => String(n).padStart(2, '0');
  return { iso: `${year}-${pad(month)}-${pad(day)}` };
}

/** An ISO date (or a Date) back into the three fields, to fill a form. */
export function isoToDateParts(value: string | Date | null | undefined): DateParts {
  if (!value) return { day: '', month: '', year: '' };
  const iso = value instanceof Date ? value.toISOString().slice(0, 10) : parseIsoDate(value);
  if (!iso) return { day: '', month: '', year: '' };
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year ?? '' };
}

/** The i18n key for a date problem; the message names the field (`{{field}}`). */
export function dateProblemKey(problem: DateProblem): string {
  return `errors.date.${problem}`;
}

/** The ISO date `days` after a valid ISO date (UTC calendar arithmetic, no time zone). */
export function addDays(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

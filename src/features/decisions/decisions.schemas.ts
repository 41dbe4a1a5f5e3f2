import {
  dateProblemKey,
  datePartsToIso,
  isEmptyDate,
  isoToDateParts,
  parseIsoDate,
  readDateParts,
  type DateParts,
} from '../../lib/dates.ts';
import type { DecisionFilters } from './decisions.repository.ts';

export const MAX_QUERY_LENGTH = 200;

export const DATE_FIELDS = ['from', 'to'] as const;
export type DateField = (typeof DATE_FIELDS)[number];
export const DATE_LABEL_KEYS: Record<DateField, string> = {
  from: 'decisions.meetingFrom',
  to: 'decisions.meetingTo',
};

export interface FieldError {
  field: string;
  /** Where the error summary's link lands: a date's first box, the field itself otherwise. */
  href: string;
  key: string;
  params?: Record<string, unknown>;
  /** A date's message names its field: the i18n key of the field's label, for `{{field}}`. */
  labelKey?: string;
}

export interface DecisionQueryValues {
  q: string;
  year: string;
  category: string;
  from: DateParts;
  to: DateParts;
}

export interface ParsedDecisionQuery {
  filters: DecisionFilters;
  page: number;
  /** What the user typed, echoed back into the form even when it was rejected. */
  values: DecisionQueryValues;
  errors: FieldError[];
}

function single(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/**
 * A date from its three boxes (`from-day`, `from-month`, `from-year`), or from the one ISO
 * parameter (`from=2026-03-15`) that links made before the boxes existed.
 */
function readDate(query: Record<string, unknown>, field: DateField): DateParts | 'bad-iso' {
  const parts = readDateParts(query, field);
  const legacy = single(query[field]);
  if (!isEmptyDate(parts) || !legacy) return parts;
  return parseIsoDate(legacy) ? isoToDateParts(legacy) : 'bad-iso';
}

/** The meeting-date range: each date checked on its own, then their order. */
function readDateFilters(
  query: Record<string, unknown>,
  values: DecisionQueryValues,
  filters: DecisionFilters,
  errors: FieldError[],
): void {
  for (const field of DATE_FIELDS) {
    const parts = readDate(query, field);
    const dateError = (key: string) =>
      errors.push({ field, href: `#${field}-day`, key, labelKey: DATE_LABEL_KEYS[field] });
    if (parts === 'bad-iso') {
      dateError(dateProblemKey('invalid'));
      continue;
    }
    values[field] = parts;
    // Both dates are optional: only a date that was started has to be whole and real.
    if (isEmptyDate(parts)) continue;
    const date = datePartsToIso(parts);
    if (date.problem === undefined) filters[field] = date.iso;
    else dateError(dateProblemKey(date.problem));
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.push({ field: 'to', href: '#to-day', key: 'decisions.errors.dateOrder' });
    delete filters.to;
  }
}

/**
 * Reads the list's query string. Each bad field gets a message and is left out of the search;
 * the good ones still apply, so a typo never costs the user their other filters.
 */
export function parseDecisionQuery(
  query: Record<string, unknown>,
  categorySlugs: ReadonlySet<string>,
): ParsedDecisionQuery {
  const empty: DateParts = { day: '', month: '', year: '' };
  const values: DecisionQueryValues = {
    q: single(query.q),
    year: single(query.year),
    category: single(query.category),
    from: empty,
    to: empty,
  };
  const errors: FieldError[] = [];
  const filters: DecisionFilters = {};

  if (values.q.length > MAX_QUERY_LENGTH) {
    errors.push({
      field: 'q',
      href: '#q',
      key: 'decisions.errors.queryTooLong',
      params: { max: MAX_QUERY_LENGTH },
    });
    values.q = values.q.slice(0, MAX_QUERY_LENGTH);
  } else if (values.q) {
    filters.q = values.q;
  }

  if (values.year) {
    if (/^\d{4}$/.test(values.year) && Number(values.year) >= 1990 && Number(values.year) <= 2100) {
      filters.year = Number(values.year);
    } else {
      errors.push({ field: 'year', href: '#year', key: 'decisions.errors.year' });
    }
  }

  if (values.category) {
    if (categorySlugs.has(values.category)) filters.category = values.category;
    else errors.push({ field: 'category', href: '#category', key: 'decisions.errors.category' });
  }

  readDateFilters(query, values, filters, errors);

  const pageText = single(query.page);
  const page = /^\d{1,6}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : 1;
  return { filters, page, values, errors };
}

/**
 * The query string parameters of the filters that apply, in the form's own names: what page
 * links and the two forms carry so that moving on never drops (or re-reports) a filter.
 */
export function filterParams(
  filters: DecisionFilters,
  options: { except?: 'q' | 'filters' } = {},
): [string, string][] {
  const params: [string, string][] = [];
  if (options.except !== 'q' && filters.q) params.push(['q', filters.q]);
  if (options.except === 'filters') return params;
  if (filters.year) params.push(['year', String(filters.year)]);
  if (filters.category) params.push(['category', filters.category]);
  for (const field of DATE_FIELDS) {
    const iso = filters[field];
    if (!iso) continue;
    const parts = isoToDateParts(iso);
    params.push(
      [`${field}-day`, parts.day],
      [`${field}-month`, parts.month],
      [`${field}-year`, parts.year],
    );
  }
  return params;
}

import type { DecisionFilters } from './decisions.repository.ts';

export const MAX_QUERY_LENGTH = 200;

export interface FieldError {
  field: string;
  key: string;
  params?: Record<string, unknown>;
}

export interface ParsedDecisionQuery {
  filters: DecisionFilters;
  page: number;
  /** What the user typed, echoed back into the form even when it was rejected. */
  values: Record<'q' | 'year' | 'category' | 'from' | 'to', string>;
  errors: FieldError[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function single(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Reads the list's query string. Each bad field gets a message and is left out of the search;
 * the good ones still apply, so a typo never costs the user their other filters.
 */
export function parseDecisionQuery(
  query: Record<string, unknown>,
  categorySlugs: ReadonlySet<string>,
): ParsedDecisionQuery {
  const values = {
    q: single(query.q),
    year: single(query.year),
    category: single(query.category),
    from: single(query.from),
    to: single(query.to),
  };
  const errors: FieldError[] = [];
  const filters: DecisionFilters = {};

  if (values.q.length > MAX_QUERY_LENGTH) {
    errors.push({
      field: 'q',
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
      errors.push({ field: 'year', key: 'decisions.errors.year' });
    }
  }

  if (values.category) {
    if (categorySlugs.has(values.category)) filters.category = values.category;
    else errors.push({ field: 'category', key: 'decisions.errors.category' });
  }

  for (const field of ['from', 'to'] as const) {
    if (!values[field]) continue;
    if (isRealDate(values[field])) filters[field] = values[field];
    else errors.push({ field, key: 'decisions.errors.date' });
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.push({ field: 'to', key: 'decisions.errors.dateOrder' });
    delete filters.to;
  }

  const pageText = single(query.page);
  const page = /^\d{1,6}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : 1;
  return { filters, page, values, errors };
}

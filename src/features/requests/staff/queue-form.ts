import type { Request } from 'express';
import {
  datePartsToIso,
  dateProblemKey,
  isEmptyDate,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { parseTypedReference } from '../reference.ts';
import type { RequestStatus } from '../requests.repository.ts';
import type { QueueFilters, QueueSort } from './queue.repository.ts';

export const QUEUE_STATUSES: readonly RequestStatus[] = [
  'submitted',
  'assigned',
  'in_progress',
  'answered',
  'closed',
  'merged',
];
export const CHANNELS = ['web', 'phone', 'api', 'counter'] as const;
export const SORTS: readonly QueueSort[] = ['newest', 'oldest', 'due'];

/** The queue's filter form as sent (anything unknown is no filter), to fill the form again. */
export interface QueueForm {
  status: string;
  category: string;
  department: string;
  channel: string;
  overdue: boolean;
  q: string;
  sort: QueueSort;
  from: DateParts;
  to: DateParts;
}

const text = (value: unknown, max: number) =>
  typeof value === 'string' ? value.trim().slice(0, max) : '';

/**
 * An ISO date in the query (`from=2026-11-01`) is read into the three boxes, so one that does not
 * exist (2026-02-31) gets its message at the field like a typed one.
 */
function dateOf(query: Record<string, unknown>, name: string): DateParts {
  const value = query[name];
  if (typeof value !== 'string' || !value.trim()) return readDateParts(query, name);
  const match = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/.exec(value.trim());
  if (!match) return { day: value.trim().slice(0, 8), month: '', year: '' };
  return { day: match[3]!, month: match[2]!, year: match[1]! };
}

export function readQueueForm(query: Record<string, unknown>): QueueForm {
  const sort = text(query.sort, 10) as QueueSort;
  return {
    status: text(query.status, 20),
    category: text(query.category, 10),
    department: text(query.department, 10),
    channel: text(query.channel, 10),
    overdue: query.overdue === 'yes',
    q: text(query.q, 200),
    sort: SORTS.includes(sort) ? sort : 'newest',
    from: dateOf(query, 'from'),
    to: dateOf(query, 'to'),
  };
}

/**
 * The form as the queue's filters: only the handler's departments and their categories count; a
 * date that is not one is said so at its field.
 */
export function queueFilters(
  req: Request,
  form: QueueForm,
  mine: { departmentIds: number[]; categoryIds: number[]; today: string },
): { filters: QueueFilters; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const dates: { from?: string; to?: string } = {};
  for (const field of ['from', 'to'] as const) {
    if (isEmptyDate(form[field])) continue;
    const date = datePartsToIso(form[field]);
    if (date.problem)
      errors.push({
        field,
        key: dateProblemKey(date.problem),
        params: { field: req.t(`requests.staff.queue.${field}`) },
      });
    else dates[field] = date.iso;
  }
  if (dates.from && dates.to && dates.from > dates.to)
    errors.push({ field: 'to', key: 'requests.staff.errors.dateOrder' });
  const department = Number(form.department);
  const category = Number(form.category);
  const reference = parseTypedReference(form.q);
  const filters: QueueFilters = {
    departmentIds: mine.departmentIds.includes(department) ? [department] : mine.departmentIds,
    today: mine.today,
    ...(QUEUE_STATUSES.includes(form.status as RequestStatus)
      ? { status: form.status as RequestStatus }
      : {}),
    ...(mine.categoryIds.includes(category) ? { categoryId: category } : {}),
    ...((CHANNELS as readonly string[]).includes(form.channel) ? { channel: form.channel } : {}),
    ...(form.overdue ? { overdue: true } : {}),
    ...(reference ? { reference } : form.q ? { text: form.q } : {}),
    ...dates,
  };
  return { filters, errors };
}

/** Whether the form sets any filter (the sort is none): only then is there one to clear. */
export function isFiltered(form: QueueForm): boolean {
  return (
    Boolean(form.q || form.status || form.category || form.department || form.channel) ||
    form.overdue ||
    !isEmptyDate(form.from) ||
    !isEmptyDate(form.to)
  );
}

/** The queue's address with the same filters, on another page. */
export function queueHref(form: QueueForm, page: number): string {
  const search = new URLSearchParams();
  for (const key of ['q', 'status', 'category', 'department', 'channel'] as const)
    if (form[key]) search.set(key, form[key]);
  if (form.overdue) search.set('overdue', 'yes');
  for (const field of ['from', 'to'] as const)
    for (const part of ['day', 'month', 'year'] as const)
      if (form[field][part]) search.set(`${field}-${part}`, form[field][part]);
  if (form.sort !== 'newest') search.set('sort', form.sort);
  search.set('page', String(page));
  return `/staff/requests?${search.toString()}`;
}

import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { athensDate, formatDate } from '../../../lib/format.ts';
import { pick } from '../../../lib/localized.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { formatReference } from '../reference.ts';
import type { RequestStatus } from '../requests.repository.ts';
import {
  categoriesOf,
  countQueueByStatus,
  departmentsOf,
  listQueue,
  type QueueFilters,
  type QueueRow,
  type QueueSort,
} from './queue.repository.ts';
import {
  CHANNELS,
  QUEUE_STATUSES,
  SORTS,
  isFiltered,
  queueFilters,
  queueHref,
  readQueueForm,
} from './queue-form.ts';

const PAGE_SIZE = 50;
const MAX_PAGE = 1000;

/** A row of the queue as the table shows it. */
function queueRow(req: Request, row: QueueRow) {
  return {
    ...formatReference(row),
    title: row.title ?? req.t('requests.untitled'),
    status: row.status,
    channel: row.channel,
    category: pick(row.category_name, req.lang),
    department: pick(row.department_name, req.lang),
    assignee: row.assignee_name ?? '',
    filedOn: formatDate(athensDate(row.created_at), req.lang),
    dueDate: formatDate(row.due_date, req.lang),
    overdue: row.overdue,
  };
}

/**
 * One page of the queue with its counts per status (none when the filters are wrong); `pastEnd`
 * when the page comes after the last one (and nothing is listed).
 */
async function search(
  deps: Pick<Deps, 'db'>,
  filters: QueueFilters,
  options: { sort: QueueSort; page: number; searchable: boolean },
) {
  if (!options.searchable)
    return { counts: new Map<RequestStatus, number>(), total: 0, rows: [], pastEnd: false };
  const counts = await countQueueByStatus(deps.db, filters);
  const total = filters.status
    ? (counts.get(filters.status) ?? 0)
    : [...counts.values()].reduce((sum, n) => sum + n, 0);
  const offset = (options.page - 1) * PAGE_SIZE;
  if (options.page > 1 && offset >= total) return { counts, total, rows: [], pastEnd: true };
  const rows = await listQueue(deps.db, filters, { sort: options.sort, limit: PAGE_SIZE, offset });
  return { counts, total, rows, pastEnd: false };
}

/** /staff/requests: the requests of the handler's departments, filtered, sorted, counted and paged. */
export async function renderQueue(deps: Pick<Deps, 'db' | 'clock'>, req: Request, res: Response) {
  const departments = await departmentsOf(deps.db, req.user!.id);
  const categories = await categoriesOf(
    deps.db,
    departments.map((d) => d.id),
  );
  const form = readQueueForm(req.query as Record<string, unknown>);
  const { filters, errors } = queueFilters(req, form, {
    departmentIds: departments.map((d) => d.id),
    categoryIds: categories.map((c) => c.id),
    today: athensDate(deps.clock.now()),
  });
  const pageText = typeof req.query.page === 'string' ? req.query.page : '1';
  const page = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(pageText, 10) || 1));
  const { counts, total, rows, pastEnd } = await search(deps, filters, {
    sort: form.sort,
    page,
    searchable: departments.length > 0 && !errors.length,
  });
  // A page past the last (an old link, or requests closed since): the first, with the same filters.
  if (pastEnd) return res.redirect(303, queueHref(form, 1));
  res.status(errors.length ? 400 : 200).render('requests/staff/views/queue', {
    pageTitle: req.t('requests.staff.queue.title'),
    form,
    departments: departments.map((d) => ({ id: d.id, name: pick(d.name, req.lang) })),
    categories: categories.map((c) => ({ id: c.id, name: pick(c.name, req.lang) })),
    statuses: QUEUE_STATUSES,
    channels: CHANNELS,
    sorts: SORTS,
    // Wrong filters count nothing: no counts rather than zeros that look like an empty queue.
    counts: (errors.length ? [] : QUEUE_STATUSES).map((status) => ({
      status,
      count: counts.get(status) ?? 0,
      href: queueHref({ ...form, status }, 1),
    })),
    total,
    noDepartment: departments.length === 0,
    rows: rows.map((row) => queueRow(req, row)),
    page,
    pages: Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PAGE_SIZE))),
    pageHref: (p: number) => queueHref(form, p),
    filtered: isFiltered(form),
    ...presentFormErrors(req, errors, ['from', 'to']),
  });
}

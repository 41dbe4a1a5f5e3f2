import { Router, type Request } from 'express';
import {
  datePartsToIso,
  dateProblemKey,
  isEmptyDate,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import type { FieldErrorLike } from '../../../lib/form.ts';
import { formatDate } from '../../../lib/format.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { countCalls, listCalls, type CallLogRow } from './call-log.repository.ts';

const PAGE_SIZE = 50;
const MAX_PAGE = 100_000;

/** `?page=N`: a whole number from 1; anything else is the first page. */
function pageOf(value: unknown): number {
  return typeof value === 'string' && /^\d{1,6}$/.test(value)
    ? Math.min(MAX_PAGE, Math.max(1, Number(value)))
    : 1;
}

/** A length of time as mm:ss (minutes go past 59 rather than into hours). */
export function minutesAndSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Every digit but the last three hidden: +30•••••••101. */
function maskedNumber(e164: string): { shown: string; last: string } {
  const last = e164.slice(-3);
  return { shown: e164.slice(0, -3).replace(/\d/g, '•') + last, last };
}

/** A call as a row of the table: words for its menus and outcomes, never what was typed. */
function present(req: Request, row: CallLogRow, linkAccounts: boolean) {
  const seconds =
    row.duration_seconds ??
    (row.ended_at ? (row.ended_at.getTime() - row.started_at.getTime()) / 1000 : undefined);
  return {
    id: row.id,
    startedAt: row.started_at,
    account: row.user_id
      ? {
          name: row.full_name ?? '',
          username: row.username ?? '',
          href: linkAccounts ? `/staff/citizens/${row.user_id}` : undefined,
        }
      : undefined,
    number: row.caller_e164 ? maskedNumber(row.caller_e164) : undefined,
    menus: row.menus.map((name) => req.t(`phone.staff.menus.${name}`, { defaultValue: name })),
    outcomes: row.outcomes.map((name) =>
      req.t(`phone.staff.outcomes.${name}`, { defaultValue: name }),
    ),
    duration: row.ended_at && seconds !== undefined ? minutesAndSeconds(seconds) : undefined,
  };
}

/** The day filter: empty is every day; a date that is not one is said so at its field. */
function readDay(req: Request, values: DateParts): { day?: string; errors: FieldErrorLike[] } {
  if (isEmptyDate(values)) return { errors: [] };
  const date = datePartsToIso(values);
  if (date.problem)
    return {
      errors: [
        {
          field: 'date',
          key: dateProblemKey(date.problem),
          params: { field: req.t('phone.staff.day') },
        },
      ],
    };
  return { day: date.iso, errors: [] };
}

/** /staff/phone (admins): the phone line's call log, newest first, a day at a time if asked. */
export function createCallLogRouter(ctx: ModuleContext): Router {
  const { db } = ctx.deps;
  const router = Router();
  router.get('/', async (req, res) => {
    const values = readDateParts(req.query, 'date');
    const { day, errors } = readDay(req, values);
    const total = errors.length ? 0 : await countCalls(db, day);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const page = Math.min(pageOf(req.query.page), pages);
    const rows = total
      ? await listCalls(db, day, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
      : [];
    // The citizen's record is the counter's page: a link only for those who may open it.
    const linkAccounts = req.user!.roles.includes('clerk');
    const filter = new URLSearchParams();
    if (day)
      for (const part of ['day', 'month', 'year'] as const)
        filter.set(`date-${part}`, values[part]);
    const pageHref = (n: number) => {
      const search = new URLSearchParams(filter);
      search.set('page', String(n));
      return `/staff/phone?${search.toString()}`;
    };
    res.status(errors.length ? 400 : 200).render('phone/staff/views/call-log', {
      pageTitle: req.t('phone.staff.title'),
      values,
      dayText: day ? formatDate(day, req.lang) : '',
      total,
      calls: rows.map((row) => present(req, row, linkAccounts)),
      page,
      pages,
      pageHref,
      ...presentFormErrors(req, errors, ['date']),
    });
  });
  return router;
}

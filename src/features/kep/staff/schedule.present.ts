import type { Request } from 'express';
import { athensDateTime } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import type { ScheduleEntry, Viewer } from './schedule.service.ts';

/**
 * What the schedule's routes share (schedule.routes.ts, schedule-appointment.routes.ts,
 * schedule-book.routes.ts): the base path, who is looking, and how a time, a day and an
 * appointment's row are written.
 */
export const SCHEDULE = '/staff/kep';
export const ID = /^[1-9]\d{0,8}$/;
const STATUS_TAG: Record<string, string> = {
  booked: 'govuk-tag--blue',
  no_show: 'govuk-tag--orange',
  cancelled: 'govuk-tag--red',
  rescheduled: 'govuk-tag--grey',
  done: 'govuk-tag--green',
};

export const viewerOf = (req: Request): Viewer => ({ id: req.user!.id, roles: req.user!.roles });

const weekdayDates = {
  el: new Intl.DateTimeFormat('el-GR', { dateStyle: 'full', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }),
};
/** '2026-03-04' → 'Τετάρτη 4 Μαρτίου 2026' / 'Wednesday 4 March 2026'. */
export const dayHeading = (day: string, lang: Lang) =>
  weekdayDates[lang].format(new Date(`${day}T12:00:00Z`));
export const hhmm = (instant: Date) => athensDateTime(instant).slice(11, 16);
const areaName = (row: { area_el: string; area_en: string }, lang: Lang) =>
  lang === 'en' ? row.area_en : row.area_el;
export const one = (value: unknown) => (typeof value === 'string' ? value : '');

export function presentEntry(req: Request, row: ScheduleEntry) {
  return {
    id: row.id,
    href: `${SCHEDULE}/appointments/${row.id}`,
    time: `${hhmm(row.starts_at)}–${hhmm(row.ends_at)}`,
    area: areaName(row, req.lang),
    reference: row.reference,
    name: row.full_name,
    clerk: row.clerk_name,
    status: row.status,
    statusTag: STATUS_TAG[row.status] ?? '',
    hasNeeds: row.has_needs,
  };
}

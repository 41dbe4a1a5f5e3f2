import type { Request } from 'express';
import type { Lang } from '../../../lib/localized.ts';
import { timeRange } from '../kep.format.ts';
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

const areaName = (row: { area_el: string; area_en: string }, lang: Lang) =>
  lang === 'en' ? row.area_en : row.area_el;
export const one = (value: unknown) => (typeof value === 'string' ? value : '');

export function presentEntry(req: Request, row: ScheduleEntry) {
  return {
    id: row.id,
    href: `${SCHEDULE}/appointments/${row.id}`,
    time: timeRange(row.starts_at, row.ends_at),
    area: areaName(row, req.lang),
    reference: row.reference,
    name: row.full_name ?? req.t('kep.privacy.erasedName'),
    clerk: row.clerk_name,
    status: row.status,
    statusTag: STATUS_TAG[row.status] ?? '',
    hasNeeds: row.has_needs,
  };
}

import type { Request, Response } from 'express';
import { isoToDateParts } from '../../../lib/dates.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { formatDate } from '../../../lib/format.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import type { RangeForm } from './settings.service.ts';

/**
 * What the settings' routes share (settings-areas, -clerks, -ranges and -policy.routes.ts): the
 * base path and translation prefix, the breadcrumbs, rendering with the error summary, and how
 * an area's name and a range of days (leave or a closure) are shown.
 */
export const BASE = '/staff/kep/settings';
const VIEWS = 'kep/staff/views';
export const K = 'kep.staffSettings';

export const areaName = (req: Request, area: { name_el: string; name_en: string }) =>
  req.lang === 'en' ? area.name_en : area.name_el;

export const crumbs = (req: Request, ...more: { href: string; text: string }[]) => [
  { href: BASE, text: req.t(`${K}.title`) },
  ...more,
];

export function render(
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown>,
  errors: readonly FieldError[] = [],
  dateFields: readonly string[] = [],
): void {
  res
    .status(errors.length ? 400 : 200)
    .render(`${VIEWS}/${view}`, { ...locals, ...presentFormErrors(req, errors, dateFields) });
}

export const presentRange = (
  req: Request,
  range: { id: number; from: string; to: string; reason: string | null },
) => ({
  id: range.id,
  from: formatDate(range.from, req.lang),
  to: formatDate(range.to, req.lang),
  reason: range.reason ?? '',
});

export const rangeValues = (range: RangeForm | undefined) =>
  range ?? { from: isoToDateParts(null), to: isoToDateParts(null), reason: '' };

import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { athensDate } from '../../lib/format.ts';
import { activeAreas, areaName, areaOf, backLinks, draftOf } from './book-draft.ts';
import { freeDaysOf, freeTimesOf, rulesNow } from './book-free.ts';
import { dayLabel, timeRange } from './kep.format.ts';

// The area, day and time steps

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------------------------------------
// Area

export async function renderArea(
  deps: Deps,
  req: Request,
  res: Response,
  errors: FieldError[] = [],
) {
  const areas = await activeAreas(deps);
  const draft = draftOf(req);
  res.status(errors.length ? 400 : 200).render('kep/views/book-area', {
    pageTitle: req.t('kep.book.area.title'),
    areas: areas.map((area) => ({
      id: area.id,
      name: areaName(area, req.lang),
      minutes: area.minutes,
    })),
    chosen: draft.areaId,
    ...backLinks(req, '/kep'),
    ...presentErrors(req, errors),
  });
}

export function chooseArea(deps: Deps): RequestHandler {
  return async (req, res) => {
    const { area } = formFields(req.body, ['area']);
    const id = /^\d{1,9}$/.test(area) ? Number(area) : undefined;
    const found = await areaOf(deps, id);
    if (!found) {
      const key = area ? 'kep.book.errors.areaUnknown' : 'kep.book.errors.areaRequired';
      return renderArea(deps, req, res, [{ field: 'area', key }]);
    }
    const draft = draftOf(req);
    if (draft.areaId !== found.id) {
      draft.areaId = found.id;
      delete draft.day;
      delete draft.start;
    }
    res.redirect(303, '/kep/book/day');
  };
}

// ---------------------------------------------------------------------------------------------
// Day

export async function renderDay(
  deps: Deps,
  req: Request,
  res: Response,
  errors: FieldError[] = [],
  status?: number,
) {
  const draft = draftOf(req);
  const area = await areaOf(deps, draft.areaId);
  if (!area) {
    delete draft.areaId;
    res.redirect(303, '/kep/book/area');
    return;
  }
  const rules = await rulesNow(deps);
  const days = await freeDaysOf(deps, area.id, rules);
  res.status(status ?? (errors.length ? 400 : 200)).render('kep/views/book-day', {
    pageTitle: req.t('kep.book.day.title'),
    area: areaName(area, req.lang),
    days: days.map((day) => ({ value: day, label: dayLabel(day, req.lang) })),
    chosen: draft.day,
    horizonDays: rules.booking.horizonDays,
    ...backLinks(req, '/kep/book/area'),
    ...presentErrors(req, errors),
  });
}

export function chooseDay(deps: Deps): RequestHandler {
  return async (req, res) => {
    const draft = draftOf(req);
    if (draft.areaId === undefined) {
      res.redirect(303, '/kep/book/area');
      return;
    }
    const { day } = formFields(req.body, ['day']);
    if (!day)
      return renderDay(deps, req, res, [{ field: 'day', key: 'kep.book.errors.dayRequired' }]);
    const rules = await rulesNow(deps);
    const days = ISO_DAY.test(day) ? await freeDaysOf(deps, draft.areaId, rules) : [];
    if (!days.includes(day))
      return renderDay(deps, req, res, [{ field: 'day', key: 'kep.book.errors.dayNotFree' }]);
    if (draft.day !== day) {
      draft.day = day;
      delete draft.start;
    }
    res.redirect(303, '/kep/book/time');
  };
}

// ---------------------------------------------------------------------------------------------
// Time

export async function renderTime(
  deps: Deps,
  req: Request,
  res: Response,
  errors: FieldError[] = [],
) {
  const draft = draftOf(req);
  const area = await areaOf(deps, draft.areaId);
  if (!area || !draft.day) {
    res.redirect(303, area ? '/kep/book/day' : '/kep/book/area');
    return;
  }
  const rules = await rulesNow(deps);
  const slots = await freeTimesOf(deps, area.id, draft.day, rules);
  if (!slots.length && !errors.length)
    return renderDay(deps, req, res, [{ field: 'day', key: 'kep.book.errors.dayFull' }], 200);
  res.status(errors.length ? 400 : 200).render('kep/views/book-time', {
    pageTitle: req.t('kep.book.time.title'),
    area: areaName(area, req.lang),
    day: dayLabel(draft.day, req.lang),
    times: slots.map((slot) => ({
      value: slot.start.toISOString(),
      label: timeRange(slot.start, slot.end),
    })),
    chosen: draft.start,
    ...backLinks(req, '/kep/book/day'),
    ...presentErrors(req, errors),
  });
}

/** A time chosen on the time page, or one of the next free times the "taken" page offers. */
export function chooseTime(deps: Deps): RequestHandler {
  return async (req, res) => {
    const draft = draftOf(req);
    if (draft.areaId === undefined) {
      res.redirect(303, '/kep/book/area');
      return;
    }
    const { time } = formFields(req.body, ['time']);
    if (!time)
      return renderTime(deps, req, res, [{ field: 'time', key: 'kep.book.errors.timeRequired' }]);
    const start = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(time)
      ? new Date(time)
      : undefined;
    const day = start && !Number.isNaN(start.getTime()) ? athensDate(start) : undefined;
    const rules = await rulesNow(deps);
    const slots = day ? await freeTimesOf(deps, draft.areaId, day, rules) : [];
    if (!start || !slots.some((slot) => slot.start.getTime() === start.getTime())) {
      // The day may be the draft's or another one's (a "taken" page's offer): show the draft's.
      return renderTime(deps, req, res, [{ field: 'time', key: 'kep.book.errors.timeNotFree' }]);
    }
    draft.day = day;
    draft.start = start.toISOString();
    res.redirect(303, draft.details ? '/kep/book/check' : '/kep/book/details');
  };
}

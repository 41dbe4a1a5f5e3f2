import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDate } from '../../lib/format.ts';
import { formatPhone, toE164 } from '../../lib/phone.ts';
import { hitRateLimit, type RateLimitRule } from '../../lib/rate-limit.ts';
import {
  afmOf,
  areaName,
  areaOf,
  backLinks,
  draftOf,
  missingStep,
  type AreaRow,
  type KepBookingDraft,
} from './book-draft.ts';
import { rulesNow } from './book-free.ts';
import { bookSlot, MAX_ACTIVE_PER_AFM, type BookingRefusal } from './booking.service.ts';
import { appointmentWhen, dayLabel, timeRange } from './kep.format.ts';
import { sendAppointmentMail } from './kep.mail.ts';
import { readKepSettings } from './kep.settings.ts';

// Check answers, confirm, and the pages that follow (booked, taken, refused)

/** Booking confirmations per person: generous for a person, tight for a script. */
export const KEP_BOOKING_LIMIT: RateLimitRule = {
  name: 'kep-book:person',
  limit: 10,
  windowSeconds: 10 * 60,
};

const REFUSAL_STEP: Record<BookingRefusal, string> = {
  past: '/kep/book/day',
  notice: '/kep/book/time',
  horizon: '/kep/book/day',
  holiday: '/kep/book/day',
  closed: '/kep/book/day',
  notOffered: '/kep/book/time',
  tooMany: '/kep/appointments',
  notReplaceable: '/kep/appointments',
};

export async function renderCheck(deps: Deps, req: Request, res: Response) {
  const draft = draftOf(req);
  const missing = missingStep(draft);
  const area = await areaOf(deps, draft.areaId);
  if (missing || !area) {
    res.redirect(303, area ? missing! : '/kep/book/area');
    return;
  }
  const settings = await readKepSettings(deps);
  const start = new Date(draft.start!);
  res.render('kep/views/book-check', {
    pageTitle: req.t('kep.book.check.title'),
    ...summaryOf(req, draft, area, start),
    retentionDays: settings.retentionDays,
    ...backLinks(req, '/kep/book/details'),
  });
}

function summaryOf(req: Request, draft: KepBookingDraft, area: AreaRow, start: Date) {
  const details = draft.details!;
  const end = new Date(start.getTime() + area.minutes * 60_000);
  const needs = [
    details.signLanguage ? req.t('kep.book.details.signLanguage') : '',
    details.lipReading ? req.t('kep.book.details.lipReading') : '',
    details.needsOther ? `${req.t('kep.book.details.needsOther')}: ${details.otherText}` : '',
  ].filter(Boolean);
  const phone = toE164(details.phone);
  return {
    area: areaName(area, req.lang),
    day: dayLabel(athensDate(start), req.lang),
    time: timeRange(start, end),
    details: {
      ...details,
      phone: phone ? formatPhone(phone) : details.phone,
      delivery: req.t(`kep.book.details.delivery.${details.delivery}`),
    },
    needs,
    files: (draft.files ?? []).map((file) => file.fileName),
  };
}

export function confirm(deps: Deps): RequestHandler {
  return async (req, res) => {
    const user = req.user!;
    // Every attempt counts, whatever becomes of it.
    if (!(await hitRateLimit(deps.db, deps.clock, KEP_BOOKING_LIMIT, String(user.id)))) {
      res.status(429).render('kep/views/book-refused', {
        pageTitle: req.t('kep.book.refused.title'),
        message: req.t('kep.book.refused.rateLimited', { minutes: 10 }),
        next: { href: '/kep/book/check', text: req.t('kep.book.refused.backToCheck') },
      });
      return;
    }
    const draft = draftOf(req);
    const missing = missingStep(draft);
    if (missing) {
      res.redirect(303, missing);
      return;
    }
    const details = draft.details!;
    const rules = await rulesNow(deps);
    const files = draft.files ?? [];
    const outcome = await bookSlot(deps, {
      areaId: draft.areaId!,
      startsAt: new Date(draft.start!),
      person: {
        citizenId: user.id,
        afm: afmOf(req),
        fullName: details.fullName,
        email: details.email,
        phone: toE164(details.phone) ?? null,
      },
      details: {
        postalAddress: details.postalAddress || null,
        delivery: details.delivery,
        needs: {
          signLanguage: details.signLanguage,
          lipReading: details.lipReading,
          other: details.needsOther ? details.otherText : null,
        },
        lang: req.lang,
      },
      settings: rules.booking,
      ...(rules.feast ? { localFeast: rules.feast } : {}),
      onBooked: async (trx, booked) => {
        if (files.length)
          await trx('kep_documents').insert(
            files.map((file) => ({
              appointment_id: booked.id,
              document_key: file.key,
              file_name: file.fileName,
              content_type: file.contentType,
              size_bytes: file.size,
              created_at: rules.now,
            })),
          );
        await sendAppointmentMail(deps, trx, booked.id, 'booked');
      },
    });
    if ('booked' in outcome) {
      // The documents now belong to the appointment: the draft lets go of them without removing.
      delete req.session.kepBooking;
      res.redirect(303, `/kep/book/booked/${outcome.booked.id}`);
      return;
    }
    if ('taken' in outcome) {
      const area = await areaOf(deps, draft.areaId);
      const minutes = area?.minutes ?? 0;
      res.status(409).render('kep/views/book-taken', {
        pageTitle: req.t('kep.book.taken.title'),
        next: outcome.taken.next.map((startsAt) => ({
          value: startsAt.toISOString(),
          label: `${dayLabel(athensDate(startsAt), req.lang)}, ${timeRange(
            startsAt,
            new Date(startsAt.getTime() + minutes * 60_000),
          )}`,
        })),
      });
      return;
    }
    const reason = outcome.refused;
    if (reason !== 'tooMany') delete draft.start;
    res.status(409).render('kep/views/book-refused', {
      pageTitle: req.t('kep.book.refused.title'),
      message: req.t(`kep.book.refused.${reason}`, { max: MAX_ACTIVE_PER_AFM }),
      next: {
        href: REFUSAL_STEP[reason],
        text: req.t(
          `kep.book.refused.next.${reason === 'tooMany' || reason === 'notReplaceable' ? 'appointments' : 'time'}`,
        ),
      },
    });
  };
}

// ---------------------------------------------------------------------------------------------
// Booked

export async function renderBooked(deps: Deps, req: Request, res: Response) {
  const raw = String(req.params.id);
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
  const row =
    id === undefined
      ? undefined
      : ((await deps
          .db('kep_appointments as a')
          .join('kep_areas as r', 'r.id', 'a.area_id')
          .where({ 'a.id': id, 'a.afm': afmOf(req) })
          .first(
            'a.id',
            'a.reference',
            'a.email',
            'a.starts_at',
            'a.ends_at',
            'a.status',
            'r.name_el',
            'r.name_en',
          )) as
          | {
              id: number;
              reference: string;
              email: string;
              starts_at: Date;
              ends_at: Date;
              status: string;
              name_el: string;
              name_en: string;
            }
          | undefined);
  if (!row) throw new NotFoundError();
  const when = appointmentWhen(row.starts_at, row.ends_at, req.lang);
  res.render('kep/views/book-done', {
    pageTitle: req.t('kep.book.done.title'),
    reference: row.reference,
    email: row.email,
    status: row.status,
    area: req.lang === 'en' ? row.name_en : row.name_el,
    day: dayLabel(when.day, req.lang),
    time: `${when.starts}–${when.ends}`,
    callLink: `/kep/appointments/${row.id}/call`,
  });
}

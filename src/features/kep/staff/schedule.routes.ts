import { formatPhone } from '../../../lib/phone.ts';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps.ts';
import { addDays, parseIsoDate } from '../../../lib/dates.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { fields, parseForm } from '../../../lib/forms.ts';
import {
  athensDate,
  athensDateTime,
  formatDate,
  formatDateTime,
  kilobytes,
} from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { idParam } from '../../../lib/params.ts';
import { sendStoredDownload } from '../../../lib/stored-download.ts';
import { toE164 } from '../../../lib/phone.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import type { BookingOutcome } from '../booking.service.ts';
import {
  activeAreas,
  appointmentFor,
  bookOnBehalf,
  documentOf,
  documentsOf,
  freeTimesOf,
  isManager,
  kepClerks,
  markNoShow,
  recordDetailsViewed,
  scheduleOf,
  type AppointmentDetails,
  type KepArea,
  type ScheduleEntry,
  type Viewer,
} from './schedule.service.ts';

export const SCHEDULE = '/staff/kep';
/** Today and the next seven days. */
const DAYS_SHOWN = 8;
/** How far from today the schedule may be paged (about three years either way). */
const PAGE_REACH_DAYS = 1100;
const ID = /^[1-9]\d{0,8}$/;
const STATUS_TAG: Record<string, string> = {
  booked: 'govuk-tag--blue',
  no_show: 'govuk-tag--orange',
  cancelled: 'govuk-tag--red',
  rescheduled: 'govuk-tag--grey',
  done: 'govuk-tag--green',
};

/**
 * /staff/kep (clerk): the signed-in clerk's schedule (every clerk's for ΚΕΠ managers), an
 * appointment's details and documents (special-category data: its clerk and managers only,
 * audited), marking a no-show, and booking on behalf of a citizen who phoned or came in.
 */
export function createKepScheduleRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', (req, res) => renderSchedule(deps, req, res));
  router.get('/book', (req, res) => renderBooking(deps, req, res));
  router.post('/book', (req, res) => book(deps, req, res));
  router.get('/appointments/:id', (req, res) => renderAppointment(deps, req, res, idParam(req)));
  router.post('/appointments/:id/no-show', async (req, res) => {
    const id = idParam(req);
    const outcome = await markNoShow(deps, id, viewerOf(req), auditContext(req));
    if (outcome === 'notFound') throw new NotFoundError();
    if (outcome !== 'marked')
      return renderAppointment(deps, req, res, id, {
        errors: [{ field: 'no-show', key: `kep.schedule.noShow.refused.${outcome}` }],
        status: 409,
      });
    req.session.flash = { key: 'kep.schedule.noShow.done' };
    res.redirect(303, `${SCHEDULE}/appointments/${id}`);
  });
  router.get('/appointments/:id/documents/:docId', async (req, res, next) => {
    const id = idParam(req);
    const docId = String(req.params.docId);
    const appointment = await appointmentFor(deps.db, id, viewerOf(req));
    const document =
      appointment && ID.test(docId) ? await documentOf(deps.db, id, Number(docId)) : undefined;
    if (!document) throw new NotFoundError();
    sendStoredDownload(deps.documents, res, next, {
      key: document.document_key,
      fileName: document.file_name,
      contentType: document.content_type,
    });
  });
  return router;
}

const viewerOf = (req: Request): Viewer => ({ id: req.user!.id, roles: req.user!.roles });

const weekdayDates = {
  el: new Intl.DateTimeFormat('el-GR', { dateStyle: 'full', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }),
};
/** '2026-03-04' → 'Τετάρτη 4 Μαρτίου 2026' / 'Wednesday 4 March 2026'. */
const dayHeading = (day: string, lang: Lang) =>
  weekdayDates[lang].format(new Date(`${day}T12:00:00Z`));
const hhmm = (instant: Date) => athensDateTime(instant).slice(11, 16);
const areaName = (row: { area_el: string; area_en: string }, lang: Lang) =>
  lang === 'en' ? row.area_en : row.area_el;
const one = (value: unknown) => (typeof value === 'string' ? value : '');

function presentEntry(req: Request, row: ScheduleEntry) {
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

/** The schedule from `?from=` (today by default) for eight days; managers may pick a clerk. */
async function renderSchedule(deps: Deps, req: Request, res: Response): Promise<void> {
  const viewer = viewerOf(req);
  const manager = isManager(viewer);
  const today = athensDate(deps.clock.now());
  const errors: FieldError[] = [];
  const askedFrom = one(req.query.from).trim();
  let from = today;
  if (askedFrom) {
    const day = parseIsoDate(askedFrom);
    const reachable =
      day && day >= addDays(today, -PAGE_REACH_DAYS) && day <= addDays(today, PAGE_REACH_DAYS);
    if (reachable) from = day;
    else errors.push({ field: 'from', key: 'kep.schedule.errors.from' });
  }
  const clerks = manager ? await kepClerks(deps.db) : [];
  const askedClerk = one(req.query.clerk);
  let clerkId: number | undefined = manager ? undefined : viewer.id;
  if (manager && askedClerk) {
    const chosen = clerks.find((clerk) => String(clerk.id) === askedClerk);
    if (chosen) clerkId = chosen.id;
    else errors.push({ field: 'clerk', key: 'kep.schedule.errors.clerk' });
  }
  const to = addDays(from, DAYS_SHOWN - 1);
  const entries = await scheduleOf(deps.db, { from, to }, clerkId);
  const byDay = new Map<string, ScheduleEntry[]>();
  for (const entry of entries) {
    const day = athensDate(entry.starts_at);
    byDay.set(day, [...(byDay.get(day) ?? []), entry]);
  }
  const days = [];
  for (let day = from; day <= to; day = addDays(day, 1))
    days.push({
      day,
      heading: dayHeading(day, req.lang),
      isToday: day === today,
      appointments: (byDay.get(day) ?? []).map((row) => presentEntry(req, row)),
    });
  const pageOf = (start: string) => {
    const query = new URLSearchParams({ from: start });
    if (manager && clerkId !== undefined) query.set('clerk', String(clerkId));
    return `${SCHEDULE}?${query.toString()}`;
  };
  res.status(errors.length ? 400 : 200).render('kep/staff/views/schedule', {
    pageTitle: req.t('kep.schedule.title'),
    manager,
    clerks,
    filter: { from: askedFrom || from, clerk: clerkId === undefined ? '' : String(clerkId) },
    range: { from: formatDate(from, req.lang), to: formatDate(to, req.lang) },
    days,
    pages: {
      previous: pageOf(addDays(from, -DAYS_SHOWN)),
      next: pageOf(addDays(from, DAYS_SHOWN)),
      today: from === today ? undefined : pageOf(today),
    },
    ...presentFormErrors(req, errors),
  });
}

/** An appointment's page: who, how to reach them, what they need; its viewing is audited. */
async function renderAppointment(
  deps: Deps,
  req: Request,
  res: Response,
  id: number,
  form: { errors?: FieldError[]; status?: number } = {},
): Promise<void> {
  const viewer = viewerOf(req);
  const row = await appointmentFor(deps.db, id, viewer);
  if (!row) throw new NotFoundError();
  const documents = row.needs_erased_at ? [] : await documentsOf(deps.db, id);
  await recordDetailsViewed(deps.db, row, viewer, auditContext(req));
  const errors = form.errors ?? [];
  const started = row.starts_at.getTime() <= deps.clock.now().getTime();
  languageSwitchFrom(res, `${SCHEDULE}/appointments/${id}`);
  res.set('Cache-Control', 'private, no-store');
  res
    .status(form.status ?? (errors.length ? 400 : 200))
    .render('kep/staff/views/schedule-appointment', {
      pageTitle: req.t('kep.schedule.appointment.title', { reference: row.reference }),
      breadcrumbs: [{ href: SCHEDULE, text: req.t('kep.schedule.title') }],
      appointment: presentDetails(req, row),
      documents: documents.map((doc) => ({
        name: doc.file_name,
        href: `${SCHEDULE}/appointments/${id}/documents/${doc.id}`,
        kb: kilobytes(doc.size_bytes),
        type: doc.content_type.split('/')[1]!.toUpperCase(),
      })),
      noShow: {
        action: `${SCHEDULE}/appointments/${id}/no-show`,
        possible: row.status === 'booked' && started,
        later: row.status === 'booked' && !started,
      },
      ...presentFormErrors(req, errors),
    });
}

function presentDetails(req: Request, row: AppointmentDetails) {
  return {
    ...presentEntry(req, row),
    when: formatDate(athensDate(row.starts_at), req.lang),
    startsAt: hhmm(row.starts_at),
    afm: row.afm,
    email: row.email,
    phone: row.phone_e164 ? formatPhone(row.phone_e164) : '',
    postalAddress: row.postal_address ?? '',
    delivery: row.delivery,
    lang: row.lang,
    bookedBy: row.booked_by_name ?? '',
    cancelReason: row.cancel_reason ?? '',
    erasedOn: row.needs_erased_at ? formatDate(athensDate(row.needs_erased_at), req.lang) : '',
    needs: {
      signLanguage: row.needs_sign_language,
      lipReading: row.needs_lip_reading,
      other: row.needs_other ?? '',
    },
  };
}

const BOOK_FIELDS = [
  'area',
  'time',
  'afm',
  'fullName',
  'email',
  'phone',
  'postalAddress',
  'delivery',
  'signLanguage',
  'lipReading',
  'needsOther',
  'lang',
] as const;
type BookForm = Record<(typeof BOOK_FIELDS)[number], string>;
const DELIVERIES = ['email', 'post', 'pickup'] as const;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/;
const k = (key: string) => `kep.schedule.book.errors.${key}`;

const bookSchema = z
  .object({
    area: z.string().regex(ID, k('area')).transform(Number),
    time: z
      .string()
      .regex(INSTANT, k('time'))
      .transform((value) => new Date(value))
      .refine((date) => !Number.isNaN(date.getTime()), k('time')),
    afm: fields.afm(),
    fullName: z
      .string()
      .trim()
      .min(1, k('fullName'))
      .max(200, k('fullNameTooLong'))
      .refine((value) => /\p{L}/u.test(value), k('fullName')),
    email: z
      .string()
      .trim()
      .min(1, k('email'))
      .max(254, k('email'))
      .pipe(z.email(k('email'))),
    phone: z
      .string()
      .trim()
      .max(40, k('phone'))
      .transform((value, ctx) => {
        if (!value) return null;
        const e164 = toE164(value);
        if (!e164) ctx.addIssue({ code: 'custom', message: k('phone') });
        return e164 ?? null;
      }),
    postalAddress: z.string().trim().max(300, k('postalAddressTooLong')),
    delivery: z.enum(DELIVERIES, k('delivery')),
    signLanguage: z.string(),
    lipReading: z.string(),
    needsOther: z.string().trim().max(1000, k('needsOtherTooLong')),
    lang: z.enum(['el', 'en'], k('lang')),
  })
  .superRefine((form, ctx) => {
    if (form.delivery === 'post' && !form.postalAddress)
      ctx.addIssue({ code: 'custom', path: ['postalAddress'], message: k('postalAddress') });
  });

const emptyBookForm = (area: string, lang: Lang): BookForm => ({
  ...(Object.fromEntries(BOOK_FIELDS.map((name) => [name, ''])) as BookForm),
  area,
  delivery: 'email',
  lang,
});

/** Booking on behalf: first the area, then (`?area=`) the free times and the citizen's details. */
async function renderBooking(deps: Deps, req: Request, res: Response): Promise<void> {
  const asked = one(req.query.area);
  if (!asked) return renderAreaChoice(deps, req, res);
  const area = (await activeAreas(deps.db)).find((a) => String(a.id) === asked);
  if (!area) return renderAreaChoice(deps, req, res, [{ field: 'area', key: k('area') }]);
  await renderBookForm(deps, req, res, area, emptyBookForm(asked, req.lang));
}

async function renderAreaChoice(
  deps: Deps,
  req: Request,
  res: Response,
  errors: FieldError[] = [],
): Promise<void> {
  const areas = await activeAreas(deps.db);
  res.status(errors.length ? 400 : 200).render('kep/staff/views/schedule-book-area', {
    pageTitle: req.t('kep.schedule.book.title'),
    breadcrumbs: [{ href: SCHEDULE, text: req.t('kep.schedule.title') }],
    areas: areas.map((area) => ({
      value: String(area.id),
      label: req.lang === 'en' ? area.name_en : area.name_el,
      hint: req.t('kep.schedule.book.minutes', { minutes: area.minutes }),
    })),
    ...presentFormErrors(req, errors),
  });
}

async function renderBookForm(
  deps: Deps,
  req: Request,
  res: Response,
  area: KepArea,
  values: BookForm,
  form: { errors?: FieldError[]; status?: number } = {},
): Promise<void> {
  const free = (await freeTimesOf(deps, area.id)) ?? [];
  const errors = form.errors ?? [];
  languageSwitchFrom(res, `${SCHEDULE}/book?area=${area.id}`);
  res.status(form.status ?? (errors.length ? 400 : 200)).render('kep/staff/views/schedule-book', {
    pageTitle: req.t('kep.schedule.book.title'),
    breadcrumbs: [{ href: SCHEDULE, text: req.t('kep.schedule.title') }],
    area: { id: area.id, name: req.lang === 'en' ? area.name_en : area.name_el },
    days: free.map(({ day, starts }) => ({
      heading: dayHeading(day, req.lang),
      times: starts.map((start) => ({ value: start.toISOString(), label: hhmm(start) })),
    })),
    deliveries: DELIVERIES,
    values,
    ...presentFormErrors(req, errors),
  });
}

/** Books with the same service as the citizens' pages; a lost race or a refusal is a message. */
async function book(deps: Deps, req: Request, res: Response): Promise<void> {
  const values = formFields(req.body, BOOK_FIELDS);
  const area = (await activeAreas(deps.db)).find((a) => String(a.id) === values.area);
  if (!area) return renderAreaChoice(deps, req, res, [{ field: 'area', key: k('area') }]);
  const parsed = parseForm(bookSchema, values);
  if (!parsed.ok) return renderBookForm(deps, req, res, area, values, { errors: parsed.errors });
  const input = parsed.data;
  const clerkId = req.user!.id;
  const outcome = await bookOnBehalf(
    deps,
    {
      areaId: area.id,
      startsAt: input.time,
      afm: input.afm,
      fullName: input.fullName,
      email: input.email,
      phone: input.phone,
      details: {
        postalAddress: input.postalAddress || null,
        delivery: input.delivery,
        needs: {
          signLanguage: input.signLanguage === 'yes',
          lipReading: input.lipReading === 'yes',
          other: input.needsOther || null,
        },
        lang: input.lang,
      },
    },
    clerkId,
    auditContext(req),
  );
  if ('booked' in outcome) {
    const { booked } = outcome;
    const clerk = (await deps.db('users').where({ id: booked.clerkId }).first('full_name')) as
      { full_name: string } | undefined;
    req.session.flash = {
      key: 'kep.schedule.book.done',
      params: {
        reference: booked.reference,
        when: formatDateTime(input.time, req.lang),
        clerk: clerk?.full_name ?? '',
      },
    };
    const visible = booked.clerkId === clerkId || isManager(viewerOf(req));
    return res.redirect(303, visible ? `${SCHEDULE}/appointments/${booked.id}` : SCHEDULE);
  }
  const errors = [outcomeError(req, outcome)];
  await renderBookForm(deps, req, res, area, { ...values, time: '' }, { errors, status: 409 });
}

/** Why the booking was not made, at the field to change. */
function outcomeError(req: Request, outcome: Exclude<BookingOutcome, { booked: unknown }>) {
  if ('taken' in outcome) {
    const times = outcome.taken.next.map((start) => formatDateTime(start, req.lang)).join(', ');
    return times
      ? { field: 'time', key: 'kep.schedule.book.taken', params: { times } }
      : { field: 'time', key: 'kep.schedule.book.takenNone' };
  }
  const refusal = outcome.refused;
  if (refusal === 'tooMany') return { field: 'afm', key: 'kep.schedule.book.refused.tooMany' };
  const known = ['past', 'notice', 'horizon', 'holiday', 'closed', 'notOffered'];
  return {
    field: 'time',
    key: `kep.schedule.book.refused.${known.includes(refusal) ? refusal : 'notOffered'}`,
  };
}

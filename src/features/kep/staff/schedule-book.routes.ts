import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { fields, parseForm } from '../../../lib/forms.ts';
import { formatDateTime } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/localized.ts';
import { toE164 } from '../../../lib/phone.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import type { BookingOutcome } from '../booking.service.ts';
import { clockTime, dayLabel } from '../kep.format.ts';
import { ID, one, SCHEDULE, viewerOf } from './schedule.present.ts';
import {
  activeAreas,
  bookOnBehalf,
  freeTimesOf,
  isManager,
  type KepArea,
} from './schedule.service.ts';

/**
 * /staff/kep/book (clerk): booking on behalf of a citizen who phoned or came in, with the same
 * service as the citizens' pages.
 */
export function createScheduleBookRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/book', (req, res) => renderBooking(deps, req, res));
  router.post('/book', (req, res) => book(deps, req, res));
  return router;
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
      heading: dayLabel(day, req.lang),
      times: starts.map((start) => ({ value: start.toISOString(), label: clockTime(start) })),
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

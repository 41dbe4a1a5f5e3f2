import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { athensDate, athensDateTime } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import { formatPhone, toE164 } from '../../lib/phone.ts';
import { hitRateLimit, type RateLimitRule } from '../../lib/rate-limit.ts';
import { decodeFileName, memoryUpload } from '../../middleware/memory-upload.ts';
import { sniffMediaType } from '../fines/objection-upload.ts';
import { cleanFileName } from '../requests/staff/documents.service.ts';
import type { ModuleContext } from '../module.ts';
import { localFeast } from '../site/local-feast.ts';
import { requireTaxisnetSignIn } from '../taxisnet/require-taxisnet.ts';
import {
  bookSlot,
  loadAreaTime,
  MAX_ACTIVE_PER_AFM,
  type BookingRefusal,
  type Delivery,
} from './booking.service.ts';
import { readKepSettings } from './kep.settings.ts';
import { appointmentWhen, sendAppointmentMail } from './kep.mail.ts';
import { freeDays, freeSlots, lastBookableDay, type SlotRules } from './slots.ts';
import { dayLabel } from './kep.format.ts';

/** A document the citizen attached at the details step, already in the document store. */
interface DraftFile {
  key: string;
  fileName: string;
  contentType: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
}

interface DraftDetails {
  fullName: string;
  email: string;
  /** As typed (the E.164 form is worked out again at confirm). */
  phone: string;
  postalAddress: string;
  delivery: Delivery;
  signLanguage: boolean;
  lipReading: boolean;
  needsOther: boolean;
  otherText: string;
}

/** A booking under way: what each step has chosen so far. */
export interface KepBookingDraft {
  areaId?: number;
  day?: string;
  /** The chosen start, an ISO instant. */
  start?: string;
  details?: DraftDetails;
  files?: DraftFile[];
}

declare module 'express-session' {
  interface SessionData {
    /** The ΚΕΠ booking under way (book.routes.ts). */
    kepBooking?: KepBookingDraft;
  }
}

export const KEP_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const KEP_MAX_FILES = 5;
const FILE_FIELD = 'documents';

/** Booking confirmations per person: generous for a person, tight for a script. */
export const KEP_BOOKING_LIMIT: RateLimitRule = {
  name: 'kep-book:person',
  limit: 10,
  windowSeconds: 10 * 60,
};

const DELIVERIES: readonly Delivery[] = ['email', 'post', 'pickup'];
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

interface UploadedFile {
  content: Buffer;
  contentType: DraftFile['contentType'];
  extension: 'pdf' | 'jpg' | 'png';
  fileName: string;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** The booking's documents, checked by content (the details step). */
    kepFiles?: UploadedFile[];
    kepFilesError?: FieldError;
  }
}

/** /kep and the booking steps at /kep/book/…: area, day, time, details, check, confirm. */
export function createBookingRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/kep', (req, res) => {
    res.render('kep/views/index', { pageTitle: req.t('kep.book.index.title') });
  });
  router.get('/kep/book', requireTaxisnetSignIn, start(deps));
  router.get('/kep/book/area', requireTaxisnetSignIn, (req, res) => renderArea(deps, req, res));
  router.post('/kep/book/area', requireTaxisnetSignIn, chooseArea(deps));
  router.get('/kep/book/day', requireTaxisnetSignIn, (req, res) => renderDay(deps, req, res));
  router.post('/kep/book/day', requireTaxisnetSignIn, chooseDay(deps));
  router.get('/kep/book/time', requireTaxisnetSignIn, (req, res) => renderTime(deps, req, res));
  router.post('/kep/book/time', requireTaxisnetSignIn, chooseTime(deps));
  router.get('/kep/book/details', requireTaxisnetSignIn, (req, res) => renderDetails(req, res));
  router.post(
    '/kep/book/details',
    requireTaxisnetSignIn,
    documentsUpload(),
    ctx.protectUpload,
    saveDetails(deps),
  );
  router.get('/kep/book/check', requireTaxisnetSignIn, (req, res) => renderCheck(deps, req, res));
  router.post('/kep/book/confirm', requireTaxisnetSignIn, confirm(deps));
  router.get('/kep/book/booked/:id', requireTaxisnetSignIn, (req, res) =>
    renderBooked(deps, req, res),
  );
  return router;
}

// ---------------------------------------------------------------------------------------------
// The draft and what the steps share

function draftOf(req: Request): KepBookingDraft {
  req.session.kepBooking ??= {};
  return req.session.kepBooking;
}

function afmOf(req: Request): string {
  return req.user!.taxisnet_afm ?? '';
}

interface AreaRow {
  id: number;
  name_el: string;
  name_en: string;
  minutes: number;
}

async function activeAreas(deps: Deps): Promise<AreaRow[]> {
  return (await deps
    .db('kep_areas')
    .where({ active: true })
    .orderBy(['position', 'id'])
    .select('id', 'name_el', 'name_en', 'minutes')) as AreaRow[];
}

async function areaOf(deps: Deps, id: number | undefined): Promise<AreaRow | undefined> {
  if (id === undefined || !Number.isInteger(id)) return undefined;
  // Kept in the work cache until kep_areas changes (the kep_notify migration).
  const found = await deps.workCache.get(
    `kep:area:${id}`,
    async () =>
      ((await deps
        .db('kep_areas')
        .where({ id, active: true })
        .first('id', 'name_el', 'name_en', 'minutes')) as AreaRow | undefined) ?? null,
  );
  return found ?? undefined;
}

const areaName = (area: AreaRow, lang: Lang) => (lang === 'en' ? area.name_en : area.name_el);

/** The booking rules now (settings, the local feast), for the free days and times. */
async function rulesNow(deps: Deps) {
  const [settings, feast] = await Promise.all([readKepSettings(deps), localFeast(deps)]);
  const booking = {
    bufferMinutes: settings.bufferMinutes,
    noticeMinutes: settings.noticeMinutes,
    horizonDays: settings.horizonDays,
  };
  return { settings, booking, feast, now: deps.clock.now() };
}

type Rules = Awaited<ReturnType<typeof rulesNow>>;

function slotRules(rules: Rules, minutes: number): SlotRules {
  const slot: SlotRules = { minutes, ...rules.booking, now: rules.now };
  if (rules.feast) slot.localFeast = rules.feast;
  return slot;
}

/** The area's days with a free time, from today to the horizon. */
async function freeDaysOf(deps: Deps, areaId: number, rules: Rules): Promise<string[]> {
  return deps.workCache.get(freeKey('days', areaId, rules), async () => {
    const from = athensDate(rules.now);
    const to = lastBookableDay({ now: rules.now, horizonDays: rules.booking.horizonDays });
    const time = await loadAreaTime(deps.db, areaId, { from, to }, rules.booking.bufferMinutes);
    if (!time) return [];
    return freeDays(from, to, slotRules(rules, time.minutes), time.clerks, time.closures);
  });
}

/**
 * Free days and times are kept in the work cache for the minute they were worked out in (the
 * notice moves with the clock) and the policy they were worked out with; a write to the tables
 * they come from empties the cache (the kep_notify migration), so a booking shows at once.
 */
function freeKey(what: string, areaId: number, rules: Rules, day = ''): string {
  const { bufferMinutes, noticeMinutes, horizonDays } = rules.booking;
  const feast = rules.feast ? `${rules.feast.month}-${rules.feast.day}` : '';
  const minute = Math.floor(rules.now.getTime() / 60_000);
  return `kep:free:${what}:${areaId}:${day}:${minute}:${bufferMinutes}:${noticeMinutes}:${horizonDays}:${feast}`;
}

/** The free start times of one day of the area. */
async function freeTimesOf(deps: Deps, areaId: number, day: string, rules: Rules) {
  const starts = await deps.workCache.get(freeKey('times', areaId, rules, day), async () => {
    const time = await loadAreaTime(
      deps.db,
      areaId,
      { from: day, to: day },
      rules.booking.bufferMinutes,
    );
    if (!time) return [];
    return freeSlots(day, slotRules(rules, time.minutes), time.clerks, time.closures).map(
      (slot) => ({ ...slot, start: slot.start.getTime(), end: slot.end.getTime() }),
    );
  });
  // Kept as numbers: each page gets Dates of its own.
  return starts.map((slot) => ({ ...slot, start: new Date(slot.start), end: new Date(slot.end) }));
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function timeLabel(start: Date, end: Date): string {
  return `${athensDateTime(start).slice(11, 16)}–${athensDateTime(end).slice(11, 16)}`;
}

/** The first step before `page` the draft has not done, for a page opened before its turn. */
function missingStep(
  draft: KepBookingDraft,
  page: 'details' | 'check' = 'check',
): string | undefined {
  if (draft.areaId === undefined) return '/kep/book/area';
  if (!draft.day) return '/kep/book/day';
  if (!draft.start) return '/kep/book/time';
  if (page === 'check' && !draft.details) return '/kep/book/details';
  return undefined;
}

const backLinks = (req: Request, href: string) => ({
  backLink: href,
  backText: req.t('kep.book.back'),
});

// ---------------------------------------------------------------------------------------------
// Start, and "book again"

function start(deps: Deps): RequestHandler {
  return async (req, res) => {
    const again = typeof req.query.again === 'string' ? req.query.again : undefined;
    if (again === undefined) {
      res.redirect(303, '/kep/book/area');
      return;
    }
    const id = /^\d{1,9}$/.test(again) ? Number(again) : NaN;
    const row = Number.isSafeInteger(id)
      ? ((await deps
          .db('kep_appointments')
          .where({ id, afm: afmOf(req) })
          .first()) as Record<string, unknown> | undefined)
      : undefined;
    if (!row) throw new NotFoundError();
    await discardFiles(deps, req.session.kepBooking);
    const area = await areaOf(deps, row.area_id as number);
    const erased = Boolean(row.needs_erased_at);
    req.session.kepBooking = {
      ...(area ? { areaId: area.id } : {}),
      details: {
        fullName: row.full_name as string,
        email: row.email as string,
        phone: row.phone_e164 ? formatPhone(row.phone_e164 as string) : '',
        postalAddress: (row.postal_address as string | null) ?? '',
        delivery: row.delivery as Delivery,
        signLanguage: !erased && Boolean(row.needs_sign_language),
        lipReading: !erased && Boolean(row.needs_lip_reading),
        needsOther: !erased && Boolean(row.needs_other),
        otherText: erased ? '' : ((row.needs_other as string | null) ?? ''),
      },
    };
    res.redirect(303, area ? '/kep/book/day' : '/kep/book/area');
  };
}

// ---------------------------------------------------------------------------------------------
// Area

async function renderArea(deps: Deps, req: Request, res: Response, errors: FieldError[] = []) {
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

function chooseArea(deps: Deps): RequestHandler {
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

async function renderDay(
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

function chooseDay(deps: Deps): RequestHandler {
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

async function renderTime(deps: Deps, req: Request, res: Response, errors: FieldError[] = []) {
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
      label: timeLabel(slot.start, slot.end),
    })),
    chosen: draft.start,
    ...backLinks(req, '/kep/book/day'),
    ...presentErrors(req, errors),
  });
}

/** A time chosen on the time page, or one of the next free times the "taken" page offers. */
function chooseTime(deps: Deps): RequestHandler {
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

// ---------------------------------------------------------------------------------------------
// Details

const DETAIL_FIELDS = [
  'fullName',
  'email',
  'phone',
  'postalAddress',
  'delivery',
  'signLanguage',
  'lipReading',
  'needsOther',
  'otherText',
  'dropFiles',
] as const;

const detailsSchema = z
  .object({
    fullName: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.fullNameRequired')
      .max(200, 'kep.book.errors.fullNameTooLong')
      .refine((v) => /\p{L}/u.test(v), 'kep.book.errors.fullNameRequired'),
    email: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.emailRequired')
      .max(254, 'kep.book.errors.emailFormat')
      .pipe(z.email('kep.book.errors.emailFormat')),
    phone: z
      .string()
      .trim()
      .min(1, 'kep.book.errors.phoneRequired')
      .max(40, 'kep.book.errors.phoneFormat')
      .refine((v) => toE164(v) !== undefined, 'kep.book.errors.phoneFormat'),
    postalAddress: z.string().trim().max(300, 'kep.book.errors.postalAddressTooLong'),
    delivery: z.enum(DELIVERIES as [Delivery, ...Delivery[]], 'kep.book.errors.deliveryRequired'),
    signLanguage: z.string(),
    lipReading: z.string(),
    needsOther: z.string(),
    otherText: z.string().trim().max(1000, 'kep.book.errors.otherTextTooLong'),
  })
  .superRefine((form, ctx) => {
    if (form.delivery === 'post' && !form.postalAddress)
      ctx.addIssue({
        code: 'custom',
        path: ['postalAddress'],
        message: 'kep.book.errors.postalAddressRequired',
      });
    if (form.needsOther === 'yes' && !form.otherText)
      ctx.addIssue({
        code: 'custom',
        path: ['otherText'],
        message: 'kep.book.errors.otherTextRequired',
      });
  });

type DetailsForm = Record<(typeof DETAIL_FIELDS)[number], string>;

function formOfDetails(details: DraftDetails): DetailsForm {
  return {
    fullName: details.fullName,
    email: details.email,
    phone: details.phone,
    postalAddress: details.postalAddress,
    delivery: details.delivery,
    signLanguage: details.signLanguage ? 'yes' : '',
    lipReading: details.lipReading ? 'yes' : '',
    needsOther: details.needsOther ? 'yes' : '',
    otherText: details.otherText,
    dropFiles: '',
  };
}

/** What the details form starts with: the draft's, else the account's (the name from TaxisNet). */
function initialDetails(req: Request, draft: KepBookingDraft): DetailsForm {
  if (draft.details) return formOfDetails(draft.details);
  const user = req.user!;
  const address = [
    [user.address_street, user.address_number].filter(Boolean).join(' '),
    [user.address_postcode, user.address_city].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  return formOfDetails({
    fullName: user.full_name,
    email: user.email,
    phone: user.phone_e164 ? formatPhone(user.phone_e164) : '',
    postalAddress: address,
    delivery: 'email',
    signLanguage: false,
    lipReading: false,
    needsOther: false,
    otherText: '',
  });
}

function renderDetails(
  req: Request,
  res: Response,
  form: { values?: DetailsForm; errors?: FieldError[] } = {},
) {
  const draft = draftOf(req);
  const missing = missingStep(draft, 'details');
  if (missing) {
    res.redirect(303, missing);
    return;
  }
  const errors = form.errors ?? [];
  res.status(errors.length ? 400 : 200).render('kep/views/book-details', {
    pageTitle: req.t('kep.book.details.title'),
    values: form.values ?? initialDetails(req, draft),
    files: (draft.files ?? []).map((file) => ({
      name: file.fileName,
      kb: Math.max(1, Math.round(file.size / 1024)),
    })),
    maxFiles: KEP_MAX_FILES,
    maxMegabytes: KEP_FILE_MAX_BYTES / (1024 * 1024),
    ...backLinks(req, '/kep/book/time'),
    ...presentErrors(req, errors),
  });
}

/**
 * Parses the details form (multipart) into memory: its fields, and up to five documents, each at
 * most 10 MB and a PDF, JPEG or PNG by its content. The CSRF token is checked next.
 */
function documentsUpload(): RequestHandler {
  return memoryUpload(
    { field: FILE_FIELD, maxFiles: KEP_MAX_FILES, maxBytes: KEP_FILE_MAX_BYTES },
    (upload, _req, res) => {
      res.locals.kepFiles = [];
      if (upload.refused) {
        res.locals.kepFilesError =
          upload.refused === 'size'
            ? { field: FILE_FIELD, key: 'kep.book.errors.fileSize', params: { max: 10 } }
            : {
                field: FILE_FIELD,
                key: 'kep.book.errors.tooManyFiles',
                params: { max: KEP_MAX_FILES },
              };
        return;
      }
      for (const file of upload.files.filter((sent) => sent.size > 0)) {
        const kind = sniffMediaType(file.buffer);
        if (!kind) {
          res.locals.kepFilesError = { field: FILE_FIELD, key: 'kep.book.errors.fileType' };
          return;
        }
        // cleanFileName decodes the browser's name and gives it '.pdf': the content's own instead.
        const fileName = cleanFileName(
          decodeFileName(file.originalname).replace(/\.(pdf|jpe?g|png)$/i, ''),
        ).replace(/\.pdf$/, `.${kind.extension}`);
        res.locals.kepFiles.push({
          content: file.buffer,
          contentType: kind.mediaType,
          extension: kind.extension,
          fileName,
        });
      }
    },
  );
}

function saveDetails(deps: Deps): RequestHandler {
  return async (req, res) => {
    const draft = draftOf(req);
    const missing = missingStep(draft, 'details');
    if (missing) {
      res.redirect(303, missing);
      return;
    }
    const values = formFields(req.body, DETAIL_FIELDS);
    const parsed = parseForm(detailsSchema, values);
    const uploaded = res.locals.kepFiles ?? [];
    const kept = values.dropFiles === 'yes' ? [] : (draft.files ?? []);
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    if (res.locals.kepFilesError) errors.push(res.locals.kepFilesError);
    else if (kept.length + uploaded.length > KEP_MAX_FILES)
      errors.push({
        field: FILE_FIELD,
        key: 'kep.book.errors.tooManyFiles',
        params: { max: KEP_MAX_FILES },
      });
    // A browser never sends a chosen file again: say so when the form comes back with files lost.
    if (errors.length && uploaded.length && !errors.some((e) => e.field === FILE_FIELD))
      errors.push({ field: FILE_FIELD, key: 'kep.book.errors.filesAgain' });
    if (errors.length || !parsed.ok) return renderDetails(req, res, { values, errors });
    const form = parsed.data;
    if (values.dropFiles === 'yes') await discardFiles(deps, draft);
    const stored: DraftFile[] = [];
    for (const file of uploaded)
      stored.push({
        key: await deps.documents.save(file.content, file.extension),
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.content.length,
      });
    draft.files = [...kept, ...stored];
    draft.details = {
      fullName: form.fullName,
      email: form.email,
      phone: form.phone,
      postalAddress: form.postalAddress,
      delivery: form.delivery,
      signLanguage: form.signLanguage === 'yes',
      lipReading: form.lipReading === 'yes',
      needsOther: form.needsOther === 'yes',
      otherText: form.needsOther === 'yes' ? form.otherText : '',
    };
    res.redirect(303, '/kep/book/check');
  };
}

/** Removes the draft's documents from the store (never recorded with an appointment). */
async function discardFiles(deps: Deps, draft: KepBookingDraft | undefined): Promise<void> {
  for (const file of draft?.files ?? []) await deps.documents.remove(file.key);
  if (draft) draft.files = [];
}

// ---------------------------------------------------------------------------------------------
// Check answers, confirm

async function renderCheck(deps: Deps, req: Request, res: Response) {
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
    time: timeLabel(start, end),
    details: {
      ...details,
      phone: phone ? formatPhone(phone) : details.phone,
      delivery: req.t(`kep.book.details.delivery.${details.delivery}`),
    },
    needs,
    files: (draft.files ?? []).map((file) => file.fileName),
  };
}

function confirm(deps: Deps): RequestHandler {
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
          label: `${dayLabel(athensDate(startsAt), req.lang)}, ${timeLabel(
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

async function renderBooked(deps: Deps, req: Request, res: Response) {
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

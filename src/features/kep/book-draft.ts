import type { Request } from 'express';
import type { Deps } from '../../deps.ts';
import type { Lang } from '../../lib/localized.ts';
import type { Delivery } from './booking.service.ts';

// The draft and what the steps share

/** A document the citizen attached at the details step, already in the document store. */
export interface DraftFile {
  key: string;
  fileName: string;
  contentType: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
}

export interface DraftDetails {
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
    /** The ΚΕΠ booking under way (book.routes.ts and the book-*.ts steps). */
    kepBooking?: KepBookingDraft;
  }
}

export function draftOf(req: Request): KepBookingDraft {
  req.session.kepBooking ??= {};
  return req.session.kepBooking;
}

export function afmOf(req: Request): string {
  return req.user!.taxisnet_afm ?? '';
}

export interface AreaRow {
  id: number;
  name_el: string;
  name_en: string;
  minutes: number;
}

export async function activeAreas(deps: Deps): Promise<AreaRow[]> {
  return (await deps
    .db('kep_areas')
    .where({ active: true })
    .orderBy(['position', 'id'])
    .select('id', 'name_el', 'name_en', 'minutes')) as AreaRow[];
}

export async function areaOf(deps: Deps, id: number | undefined): Promise<AreaRow | undefined> {
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

export const areaName = (area: AreaRow, lang: Lang) =>
  lang === 'en' ? area.name_en : area.name_el;

/** The first step before `page` the draft has not done, for a page opened before its turn. */
export function missingStep(
  draft: KepBookingDraft,
  page: 'details' | 'check' = 'check',
): string | undefined {
  if (draft.areaId === undefined) return '/kep/book/area';
  if (!draft.day) return '/kep/book/day';
  if (!draft.start) return '/kep/book/time';
  if (page === 'check' && !draft.details) return '/kep/book/details';
  return undefined;
}

export const backLinks = (req: Request, href: string) => ({
  backLink: href,
  backText: req.t('kep.book.back'),
});

/** Removes the draft's documents from the store (never recorded with an appointment). */
export async function discardFiles(deps: Deps, draft: KepBookingDraft | undefined): Promise<void> {
  for (const file of draft?.files ?? []) await deps.documents.remove(file.key);
  if (draft) draft.files = [];
}

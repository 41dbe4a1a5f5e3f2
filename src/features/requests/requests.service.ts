import { moduleConfig } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import { dueDate } from '../../lib/working-days.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import { localFeast } from '../site/local-feast.ts';
import { pick } from '../../lib/localized.ts';
import type { Knex } from 'knex';
import type { ProcessedPhoto } from '../../lib/photos.ts';
import { formatReference } from './reference.ts';
import { removeStoredPhotos, storePhotos, type StoredPhoto } from './stored-photos.ts';
import { requestsConfig } from './requests.config.ts';
import { tellHandlersOfNewRequest } from './staff/handling.notify.ts';
import {
  insertEvent,
  insertRequest,
  nextRequestNumber,
  type RequestKind,
} from './requests.repository.ts';
import { findCategory, type CategoryRow } from './categories.repository.ts';
import { insertPhotos } from './photos.repository.ts';

export const REQUEST_LIMITS = {
  perAccount: { name: 'requests:account', limit: 10, windowSeconds: 24 * 60 * 60 },
  perAddress: { name: 'requests:ip', limit: 30, windowSeconds: 24 * 60 * 60 },
};

/** Where and what, from the first step; kept in the session until the request is filed. */
export interface Draft {
  address: string;
  lat: number | null;
  lng: number | null;
  categoryId: number;
}

export interface Details {
  kind: RequestKind;
  title: string;
  description: string;
  /** The citizen's consent to their name on the public list, should the request be published. */
  showName: boolean;
}

export type FilingDeps = Pick<
  Deps,
  'db' | 'clock' | 'mailer' | 'config' | 'modules' | 'contentCache' | 'documents'
>;

/** A point the municipality does not cover gets a message at the latitude field. */
export function outsideArea(deps: Pick<Deps, 'config'>, lat: number, lng: number): boolean {
  const box = moduleConfig(deps.config, requestsConfig).REQUESTS_BOUNDING_BOX;
  return lat < box.south || lat > box.north || lng < box.west || lng > box.east;
}

/** What every filing checks first, and the due date it will have. */
export type Prepared =
  | { ok: true; category: CategoryRow; due: string; now: Date }
  | { ok: false; reason: 'category' | 'tooMany' };

/**
 * The checks every channel's filing makes before anything is written: the category takes
 * requests, the account and the address (`addressKey`: the web's IP, the phone's calling number)
 * are under their daily limits; then the due date from the category's deadline in working days.
 */
export async function prepareFiling(
  deps: FilingDeps,
  user: UserRow,
  categoryId: number,
  addressKey: string,
): Promise<Prepared> {
  const category = await findCategory(deps.db, categoryId);
  if (!category) return { ok: false, reason: 'category' };
  const limited =
    !(await hitRateLimit(deps.db, deps.clock, REQUEST_LIMITS.perAccount, String(user.id))) ||
    !(await hitRateLimit(deps.db, deps.clock, REQUEST_LIMITS.perAddress, addressKey));
  if (limited) return { ok: false, reason: 'tooMany' };
  const now = deps.clock.now();
  return {
    ok: true,
    category,
    now,
    due: dueDate(now, category.deadline_days, await localFeast(deps)),
  };
}

/**
 * Files a request: a reference from the year's sequence, the due date from the category's
 * deadline in working days, the first event of its timeline with its photos, an audit entry and
 * the confirmation email, all in one transaction.
 */
export async function fileRequest(
  deps: FilingDeps,
  user: UserRow,
  input: FilingInput,
  context: AuditContext,
): Promise<{ ok: true; reference: string; dueDate: string } | { ok: false; errors: FieldError[] }> {
  const prepared = await prepareFiling(deps, user, input.draft.categoryId, context.ip ?? 'unknown');
  if (!prepared.ok)
    return prepared.reason === 'category'
      ? { ok: false, errors: [{ field: 'category', key: 'requests.errors.category' }] }
      : { ok: false, errors: [{ field: 'title', key: 'requests.errors.tooMany' }] };
  const { category, due, now } = prepared;
  // The photos are written first (under new names); if the request is not filed, they go.
  const photos = await storePhotos(deps, input.photos ?? []);
  const request: NewRequest = {
    kind: input.details.kind,
    channel: 'web',
    title: input.details.title,
    description: input.details.description,
    address: input.draft.address || null,
    lat: input.draft.lat,
    lng: input.draft.lng,
    lang: input.lang,
    showName: input.details.showName,
  };
  const filed = await deps.db
    .transaction((trx) =>
      insertFiled(deps, trx, { user, request, category, due, now, photos, context }),
    )
    .catch(async (error: unknown) => {
      await removeStoredPhotos(deps, photos);
      throw error;
    });
  return { ok: true, reference: filed.reference.url, dueDate: due };
}

export interface FilingInput {
  draft: Draft;
  details: Details;
  lang: 'el' | 'en';
  photos?: readonly ProcessedPhoto[];
}

/** A request as a channel files it; a phone request has no title and no place until its handler adds them. */
export interface NewRequest {
  kind: RequestKind;
  channel: 'web' | 'phone';
  title: string | null;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  lang: 'el' | 'en';
  showName: boolean;
}

/**
 * Writes a filed request in the caller's transaction: its reference, its first event (with its
 * photos), the audit entry, the citizen's confirmation and the handlers' mail.
 */
export async function insertFiled(
  deps: FilingDeps,
  trx: Knex.Transaction,
  filing: {
    user: UserRow;
    request: NewRequest;
    category: CategoryRow;
    due: string;
    now: Date;
    photos: StoredPhoto[];
    context: AuditContext;
  },
): Promise<{ id: number; reference: { display: string; url: string } }> {
  const { user, request, category, due } = filing;
  const year = Number(athensDate(filing.now).slice(0, 4));
  const number = await nextRequestNumber(trx, year);
  const id = await insertRequest(trx, {
    year,
    number,
    user_id: user.id,
    category_id: category.id,
    department_id: category.department_id,
    kind: request.kind,
    channel: request.channel,
    title: request.title,
    description: request.description,
    address: request.address,
    lat: request.lat,
    lng: request.lng,
    due_date: due,
    lang: request.lang,
    show_name: request.showName,
  });
  const eventId = await insertEvent(trx, {
    request_id: id,
    kind: 'submitted',
    status: 'submitted',
    actor_id: user.id,
    by_citizen: true,
  });
  await insertPhotos(trx, id, eventId, filing.photos);
  const ref = formatReference({ year, number });
  await recordAudit(
    trx,
    {
      action: 'request.submitted',
      userId: user.id,
      details: {
        reference: ref.url,
        ...(request.channel === 'web' ? {} : { channel: request.channel }),
      },
    },
    filing.context,
  );
  // With no title yet (a phone request), the mails name its category instead.
  const lang = user.lang === 'en' ? 'en' : 'el';
  await sendConfirmation(deps, trx, user, {
    ref,
    title: request.title ?? pick(category.name, lang),
    due,
  });
  await tellHandlersOfNewRequest(deps, trx, {
    departmentId: category.department_id,
    reference: ref,
    title: request.title,
    category: category.name,
    dueDate: due,
  });
  return { id, reference: ref };
}

async function sendConfirmation(
  deps: Pick<Deps, 'mailer'>,
  trx: Knex.Transaction,
  user: UserRow,
  filed: { ref: { display: string; url: string }; title: string; due: string },
): Promise<void> {
  const lang = user.lang === 'en' ? 'en' : 'el';
  await deps.mailer.send(
    'request-submitted',
    { email: user.email, lang },
    {
      fullName: user.full_name,
      reference: filed.ref.display,
      path: `/requests/${filed.ref.url}`,
      title: filed.title,
      dueDate: formatDate(filed.due, lang),
    },
    trx,
  );
}

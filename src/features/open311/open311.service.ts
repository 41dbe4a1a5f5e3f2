import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { athensDate, truncate } from '../../lib/format.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import type { Services } from '../../services.ts';
import type { ApiKeyRow } from '../api/api-keys.repository.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { dueDateFor, fileWithoutAccount } from '../requests/api-filing.service.ts';
import { REQUEST_LIMITS } from '../requests/requests.service.ts';
import { Open311Error } from './open311.format.ts';
import {
  findActiveCategoryBySlug,
  insertReporter,
  listOpen311Requests,
  type Open311RequestRow,
  type RequestFilters,
} from './open311.repository.ts';
import { daysBefore, startOfAthensDay } from './open311.dates.ts';
import type { PostRequestInput, RequestQuery } from './open311.schemas.ts';
import { hashToken, tellReporterOfFiling } from './reporter-mail.ts';

export const OPEN311_SCOPES = { write: 'open311:write', readAll: 'open311:read-all' } as const;

/** The spec's defaults: a span of 90 days and at most 1,000 requests an answer. */
export const WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Requests an app's user may file a day with one email address, as a citizen may with an account. */
const PER_EMAIL = { ...REQUEST_LIMITS.perAccount, name: 'open311:email' };

type FilingDeps = Pick<Deps, 'db' | 'clock' | 'mailer' | 'config' | 'modules' | 'contentCache'>;

/**
 * Files a request an app sent (POST requests): the same queue, reference sequence, due date and
 * handlers' mail as the web form (api-filing.service.ts), channel `api`, no account; the reporter's
 * contact details kept apart, the app's key recorded, the filing audited, and the reporter mailed
 * a status link. Returns the reference and the Open311 token (for GET tokens/<token>).
 */
export async function fileApiRequest(
  deps: FilingDeps,
  services: Pick<Services, 'requests'>,
  filing: { key: ApiKeyRow; input: PostRequestInput; lang: 'el' | 'en'; context: AuditContext },
): Promise<{ reference: string; token: string; dueDate: string }> {
  const { input, key } = filing;
  const category = await findActiveCategoryBySlug(deps.db, input.service_code);
  if (!category) throw new Open311Error(404, 'unknownService', { code: input.service_code });
  if (input.lat !== undefined && services.requests.outsideArea(input.lat, input.long!))
    throw new Open311Error(400, 'outside');
  if (
    input.email &&
    !(await hitRateLimit(deps.db, deps.clock, PER_EMAIL, input.email.toLowerCase()))
  )
    throw new Open311Error(429, 'tooMany');
  const due = await dueDateFor(deps, category);
  const token = randomBytes(32).toString('base64url');
  const title = truncate(input.description.split('\n')[0]!.trim(), 80);
  const reference = await deps.db.transaction(async (trx) => {
    const filed = await fileWithoutAccount(
      deps,
      trx,
      {
        category,
        channel: 'api',
        title,
        description: input.description,
        address: input.address_string ?? null,
        lat: input.lat ?? null,
        lng: input.long ?? null,
        lang: filing.lang,
      },
      due,
    );
    await insertReporter(trx, {
      request_id: filed.id,
      api_key_id: key.id,
      email: input.email ?? null,
      first_name: input.first_name ?? null,
      last_name: input.last_name ?? null,
      phone: input.phone ?? null,
      media_url: input.media_url ?? null,
      token_hash: hashToken(token),
    });
    await recordAudit(
      trx,
      {
        action: 'open311.request_filed',
        actorId: null,
        entity: { type: 'request', id: filed.id },
        details: {
          reference: filed.reference.url,
          appName: key.app_name,
          apiKeyId: key.id,
          serviceCode: category.slug,
        },
      },
      filing.context,
    );
    await tellReporterOfFiling(deps, trx, {
      id: filed.id,
      reference: filed.reference,
      title,
      dueDate: due,
    });
    return filed.reference.url;
  });
  return { reference, token, dueDate: due };
}

/**
 * The span GET requests covers: 90 days at most; by default the 90 days ending today in Athens,
 * today included, from midnight (a whole day, so an answer kept in memory stays right all day).
 */
export function windowOf(query: RequestQuery, now: Date): { from: Date; to?: Date } {
  const { start, end } = query;
  if (start && end) {
    if (end < start) throw new Open311Error(400, 'dateOrder');
    if (end.getTime() - start.getTime() > WINDOW_DAYS * DAY_MS)
      throw new Open311Error(400, 'dateSpan', { days: WINDOW_DAYS });
    return { from: start, to: end };
  }
  if (start) return { from: start, to: new Date(start.getTime() + WINDOW_DAYS * DAY_MS) };
  if (end) return { from: new Date(end.getTime() - WINDOW_DAYS * DAY_MS), to: end };
  return { from: startOfAthensDay(daysBefore(athensDate(now), WINDOW_DAYS - 1)) };
}

/**
 * GET requests' filters as the repository takes them: by reference (overriding the rest, in a
 * fixed order, each once), or within the window; service codes each once, in a fixed order. Two
 * queries that ask the same thing give equal filters (and so one key of the answer cache).
 */
export function requestFilters(
  query: RequestQuery,
  includePrivate: boolean,
  now: Date,
): RequestFilters {
  if (query.references) {
    const references = [
      ...new Map(query.references.map((ref) => [`${ref.year}-${ref.number}`, ref])).values(),
    ].sort((a, b) => a.year - b.year || a.number - b.number);
    return { references, includePrivate, limit: MAX_REQUESTS };
  }
  const window = windowOf(query, now);
  return {
    ...(query.serviceCodes ? { serviceCodes: [...new Set(query.serviceCodes)].sort() } : {}),
    ...(query.closed !== undefined ? { closed: query.closed } : {}),
    from: window.from,
    ...(window.to ? { to: window.to } : {}),
    includePrivate,
    limit: MAX_REQUESTS,
  };
}

/** GET requests: by reference, or filtered within the window. */
export async function findRequests(
  deps: Pick<Deps, 'db' | 'clock'>,
  query: RequestQuery,
  includePrivate: boolean,
): Promise<Open311RequestRow[]> {
  return listOpen311Requests(deps.db, requestFilters(query, includePrivate, deps.clock.now()));
}

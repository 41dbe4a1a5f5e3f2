import { z } from 'zod';
import { parseReference } from '../requests/reference.ts';
import { parseIsoDateTime } from './open311.dates.ts';
import { Open311Error } from './open311.format.ts';

// Text a person typed: tabs and line breaks, but no other control characters.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const text = (max: number, min = 0) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !CONTROL.test(value));
const coordinate = (limit: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^[+-]?\d{1,3}(\.\d{1,15})?$/),
    ])
    .transform(Number)
    .pipe(z.number().min(-limit).max(limit));

/** POST requests: the spec's fields we keep (jurisdiction_id, device_id, account_id are ignored). */
const postRequestSchema = z.object({
  service_code: text(60, 1),
  lat: coordinate(90).optional(),
  long: coordinate(180).optional(),
  address_string: text(200).optional(),
  address_id: text(200).optional(),
  description: text(4000, 1),
  email: z.string().trim().max(254).pipe(z.email()).optional(),
  first_name: text(100).optional(),
  last_name: text(100).optional(),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[+0-9 ()./-]{3,40}$/)
    .optional(),
  media_url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/ }))
    .optional(),
});

export type PostRequestInput = z.infer<typeof postRequestSchema>;

/** An empty field is a field not sent. */
function withoutEmpty(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) => !(typeof value === 'string' && !value.trim())),
  );
}

/** The first field that is wrong, as the spec's 400 with the field named. */
function fieldError(issues: readonly z.core.$ZodIssue[]): Open311Error {
  const field = String(issues[0]?.path[0] ?? 'body');
  return issues[0]?.code === 'invalid_type' && issues[0].input === undefined
    ? new Open311Error(400, 'missingField', { field })
    : new Open311Error(400, 'invalidField', { field });
}

/**
 * The fields of POST requests: a location as lat + long or address_string (address_id alone is
 * not one we can place), and no attribute (no service asks for one).
 */
export function parsePostRequest(body: unknown): PostRequestInput {
  const fields = withoutEmpty(body);
  const attribute = Object.keys(fields).find((key) => /^attribute(\[|$)/.test(key));
  if (attribute)
    throw new Open311Error(400, 'unknownAttribute', {
      code: attribute
        .replace(/^attribute\[?/, '')
        .replace(/\]$/, '')
        .slice(0, 60),
    });
  const parsed = postRequestSchema.safeParse(fields);
  if (!parsed.success) throw fieldError(parsed.error.issues);
  const input = parsed.data;
  if ((input.lat === undefined) !== (input.long === undefined))
    throw new Open311Error(400, 'bothCoordinates');
  if (input.lat === undefined && !input.address_string) throw new Open311Error(400, 'location');
  return input;
}

/** GET requests' filters, checked; dates as instants. */
export interface RequestQuery {
  references?: { year: number; number: number }[];
  serviceCodes?: string[];
  start?: Date;
  end?: Date;
  closed?: boolean;
}

/** One value of a query parameter (repeated parameters are refused, but for `status`). */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 20_000)
    throw new Open311Error(400, 'invalidField', { field: name });
  return value;
}

const listOf = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export const MAX_IDS = 1000;

export function parseRequestQuery(query: Record<string, unknown>): RequestQuery {
  const result: RequestQuery = {};
  const ids = single(query, 'service_request_id');
  if (ids !== undefined) {
    const parts = listOf(ids);
    if (parts.length > MAX_IDS) throw new Open311Error(400, 'tooManyIds', { max: MAX_IDS });
    result.references = parts.map((part) => {
      const ref = parseReference(part);
      if (!ref) throw new Open311Error(400, 'invalidField', { field: 'service_request_id' });
      return ref;
    });
  }
  const codes = single(query, 'service_code');
  if (codes !== undefined) {
    result.serviceCodes = listOf(codes);
    if (result.serviceCodes.length > 100 || result.serviceCodes.some((c) => c.length > 60))
      throw new Open311Error(400, 'invalidField', { field: 'service_code' });
  }
  for (const [name, key] of [
    ['start_date', 'start'],
    ['end_date', 'end'],
  ] as const) {
    const value = single(query, name);
    if (value === undefined) continue;
    const date = parseIsoDateTime(value);
    if (!date) throw new Open311Error(400, 'invalidDate', { field: name });
    result[key] = date;
  }
  const status = query.status;
  if (status !== undefined && status !== '') {
    const values = (Array.isArray(status) ? status : [status]).flatMap((value) =>
      typeof value === 'string' && value.length <= 100 ? listOf(value) : ['?'],
    );
    if (!values.length || values.some((value) => value !== 'open' && value !== 'closed'))
      throw new Open311Error(400, 'invalidField', { field: 'status' });
    if (!(values.includes('open') && values.includes('closed')))
      result.closed = values.includes('closed');
  }
  return result;
}

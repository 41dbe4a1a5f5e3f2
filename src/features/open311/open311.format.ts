import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

/** The two formats every endpoint answers in, chosen by the path's extension. */
export type Format = 'xml' | 'json';

export const isFormat = (value: unknown): value is Format => value === 'xml' || value === 'json';

/**
 * An Open311 failure: its HTTP status, and the description the client reads as a string key under
 * `open311.errors.` with its values (worded in the request's language).
 */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429,
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    /** A 429's Retry-After, in seconds (60 unless said). */
    readonly retryAfterSeconds?: number,
  ) {
    super(key);
  }
}

export type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };

/**
 * The XML element of each item of a list, by the list's name, as the spec's XML writes them:
 * `<services><service>…</service></services>`, `<formats><format>…</format></formats>`.
 */
const ITEM_OF: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
};

// XML 1.0 has no place for most control characters or a lone surrogate; they are dropped.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The JSON answer as the spec's XML: lists as repeated elements, booleans as true/false, no nulls. */
function toXmlTree(value: Json, name: string): unknown {
  if (Array.isArray(value)) {
    const item = ITEM_OF[name] ?? 'item';
    return { [item]: value.map((entry) => toXmlTree(entry, item)) };
  }
  if (value !== null && typeof value === 'object') {
    const tree: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value))
      if (entry !== undefined && entry !== null) tree[key] = toXmlTree(entry, key);
    return tree;
  }
  if (typeof value === 'string') return value.replace(NOT_XML, '');
  return String(value);
}

const builder = new XMLBuilder({ ignoreAttributes: false, format: false });

/** The document: the declaration with its encoding, then `root` holding the answer. */
export function xmlDocument(root: string, body: Json): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [root]: toXmlTree(body, root),
  }) as string;
}

/**
 * The answer in the format asked for: the JSON body as is, or its XML under `root` (a list's root
 * names its items: `service_requests` holds `request` elements), with its Content-Type.
 */
export function serializeOpen311(
  format: Format,
  root: string,
  body: Json,
): { type: string; text: string } {
  return format === 'json'
    ? { type: 'application/json; charset=utf-8', text: JSON.stringify(body) }
    : { type: 'text/xml; charset=utf-8', text: xmlDocument(root, body) };
}

export function sendOpen311(
  res: Response,
  format: Format,
  root: string,
  body: Json,
  status = 200,
): void {
  const { type, text } = serializeOpen311(format, root, body);
  res.status(status).type(type).send(text);
}

/** The spec's errors: `[{"code":…,"description":…}]` or `<errors><error><code/><description/></error></errors>`. */
export function sendOpen311Error(
  res: Response,
  format: Format,
  status: number,
  description: string,
): void {
  sendOpen311(res, format, 'errors', [{ code: status, description }], status);
}

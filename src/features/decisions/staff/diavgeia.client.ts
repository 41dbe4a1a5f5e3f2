/**
 * Read-only client for Diavgeia's open-data search (no auth).
 *
 * Response shape `{ decisions: [...], info: { query, page, size, actualSize, total, order } }`,
 * epoch-ms `issueDate`, 0-based `page`, `size` ≤ 500, `status` PUBLISHED | REVOKED, per
 * https://diavgeia.gov.gr/api/help as summarised in
 * https://github.com/schemalabz/opencouncil-tasks/blob/main/docs/diavgeia-api-guide.md
 * Over 180 days the server silently moves `to_issue_date` to from + 180 days and returns a subset
 * (https://pypi.org/project/diavgeia/), hence the client-side windows.
 */
import { z } from 'zod';
import { parseIsoDate } from '../../../lib/dates.ts';

export interface DiavgeiaDecision {
  ada: string;
  subject: string;
  issueDate: string;
  documentUrl: string | null;
  protocolNumber: string | null;
  decisionTypeId: string | null;
}

export class DiavgeiaError extends Error {
  override name = 'DiavgeiaError';
}

export interface DiavgeiaClient {
  searchDecisions(query: {
    org: string;
    from: string;
    to: string;
    type?: string;
  }): Promise<DiavgeiaDecision[]>;
}

const DAY_MS = 86_400_000;
// Inclusive days per request: [d, d + 179] stays inside the server's `from + 180 days` clamp.
const WINDOW_DAYS = 180;

// Entries are checked one by one so that one odd record does not sink the whole import.
const entrySchema = z.object({
  ada: z.string().trim().min(1),
  subject: z.string(),
  // Bounded to what a JS Date can hold, so formatting cannot throw mid-import.
  issueDate: z.number().int().gte(-8.64e15).lte(8.64e15),
  documentUrl: z.string().nullish(),
  protocolNumber: z.string().nullish(),
  decisionTypeId: z.string().nullish(),
  status: z.string().nullish(),
});
const pageSchema = z.object({
  decisions: z.array(z.unknown()),
  info: z.object({ total: z.number().int().nonnegative() }),
});

// Acts are dated by the Greek calendar day; a UTC date would move late-evening acts a day back.
const athens = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Athens',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
function athensDate(epochMs: number): string {
  const p = Object.fromEntries(athens.formatToParts(epochMs).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
function parseDay(value: string): number {
  // Strict: `Date.parse` would roll 2024-02-30 over to March 1st.
  const iso = parseIsoDate(value);
  if (!iso || iso !== value) throw new RangeError(`Invalid date "${value}", expected YYYY-MM-DD`);
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}
function dateWindows(from: string, to: string): Array<[string, string]> {
  const [first, last] = [parseDay(from), parseDay(to)];
  // An empty result for an inverted range would read as "nothing was published".
  if (first > last) throw new RangeError(`from (${from}) is after to (${to})`);
  const windows: Array<[string, string]> = [];
  for (let start = first; start <= last; start += WINDOW_DAYS * DAY_MS) {
    windows.push([isoDay(start), isoDay(Math.min(start + (WINDOW_DAYS - 1) * DAY_MS, last))]);
  }
  return windows;
}

/** Where and how the client asks: the server, the page size, the time it waits. */
interface ClientSettings {
  baseUrl: string;
  pageSize: number;
  timeoutMs: number;
  fetchImpl: typeof fetch;
}

/** The failure as one line an operator can act on (undici hides ECONNREFUSED etc. in `cause`). */
function requestFailure(err: unknown, url: string, timeoutMs: number): DiavgeiaError {
  const e = err instanceof Error ? err : new Error(String(err));
  const detail = e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
  const reason =
    e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `network error (${detail})`;
  return new DiavgeiaError(`Diavgeia search failed: ${reason} for ${url}`, { cause: err });
}

async function getPage(
  settings: ClientSettings,
  params: URLSearchParams,
): Promise<z.infer<typeof pageSchema>> {
  const url = `${settings.baseUrl}/opendata/search.json?${params.toString()}`;
  let res: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(settings.timeoutMs);
    res = await settings.fetchImpl(url, { headers: { Accept: 'application/json' }, signal });
    text = await res.text();
  } catch (err) {
    throw requestFailure(err, url, settings.timeoutMs);
  }
  if (!res.ok) throw new DiavgeiaError(`Diavgeia search failed: HTTP ${res.status} for ${url}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new DiavgeiaError(`Diavgeia search returned malformed JSON for ${url}`, { cause: err });
  }
  const parsed = pageSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new DiavgeiaError(`Diavgeia search returned no decisions/info.total for ${url}`);
}

/** An entry as the import uses it; undefined for a malformed or revoked one. */
function toDecision(raw: unknown, baseUrl: string): DiavgeiaDecision | undefined {
  const entry = entrySchema.safeParse(raw);
  if (!entry.success || entry.data.status === 'REVOKED') return undefined;
  const d = entry.data;
  return {
    ada: d.ada,
    subject: d.subject,
    issueDate: athensDate(d.issueDate),
    // `||`, not `??`: an empty link is as useless as a missing one.
    documentUrl: d.documentUrl || `${baseUrl}/doc/${d.ada}`,
    protocolNumber: d.protocolNumber ?? null,
    decisionTypeId: d.decisionTypeId ?? null,
  };
}

async function searchDecisions(
  settings: ClientSettings,
  { org, from, to, type }: Parameters<DiavgeiaClient['searchDecisions']>[0],
): Promise<DiavgeiaDecision[]> {
  const { pageSize } = settings;
  const byAda = new Map<string, DiavgeiaDecision>();
  for (const [fromDay, toDay] of dateWindows(from, to)) {
    const filter = { org, from_issue_date: fromDay, to_issue_date: toDay, type: type ?? '' };
    // Counts raw entries, so skipped malformed ones still move pagination forward.
    for (let page = 0, seen = 0; ; page += 1) {
      const params = new URLSearchParams({ ...filter, page: `${page}`, size: `${pageSize}` });
      if (!type) params.delete('type');
      const { decisions, info } = await getPage(settings, params);
      seen += decisions.length;
      for (const raw of decisions) {
        const decision = toDecision(raw, settings.baseUrl);
        // The same act can appear twice when new publications shift pages under us.
        if (decision && !byAda.has(decision.ada)) byAda.set(decision.ada, decision);
      }
      if (decisions.length < pageSize || seen >= info.total) break;
    }
  }
  return [...byAda.values()];
}

export function createDiavgeiaClient(options: {
  baseUrl: string;
  pageSize?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}): DiavgeiaClient {
  const { pageSize = 100, timeoutMs = 15_000, fetchImpl = fetch } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
    throw new RangeError(`pageSize must be an integer from 1 to 500`);
  }
  const settings = { baseUrl: options.baseUrl.replace(/\/+$/, ''), pageSize, timeoutMs, fetchImpl };
  return { searchDecisions: (query) => searchDecisions(settings, query) };
}

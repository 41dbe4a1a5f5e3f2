/**
 * A local stand-in for Diavgeia's open-data search (GET /opendata/search.json), answering in the
 * documented shape `{ decisions: [...], info: { query, page, size, actualSize, total, order } }`
 * (https://diavgeia.gov.gr/api/help; field list as summarised in
 * https://github.com/schemalabz/opencouncil-tasks/blob/main/docs/diavgeia-api-guide.md).
 *
 * The real server silently cuts an issue-date range longer than 180 days to from + 180 days
 * (https://pypi.org/project/diavgeia/). This stand-in refuses such ranges with 400 instead, so a
 * client that forgets to split fails loudly rather than losing decisions quietly.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInDecision {
  ada: string;
  subject: string;
  issueDate: number; // epoch ms
  organizationId: string;
  documentUrl?: string;
  status?: string;
  decisionTypeId?: string;
  protocolNumber?: string;
}

export interface DiavgeiaStandIn {
  baseUrl: string;
  requests: URL[];
  close(): Promise<void>;
}

const MAX_RANGE_DAYS = 180;
const MAX_PAGE_SIZE = 500;
const DAY_MS = 86_400_000;

const athens = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Athens',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** The Greek calendar day of an instant, as YYYY-MM-DD. */
function athensDay(epochMs: number): string {
  const parts = Object.fromEntries(athens.formatToParts(epochMs).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startDiavgeiaStandIn(
  decisions: StandInDecision[],
  options: { failFirst?: number } = {},
): Promise<DiavgeiaStandIn> {
  const requests: URL[] = [];
  let failuresLeft = options.failFirst ?? 0;
  let baseUrl = '';

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', baseUrl);
    requests.push(url);
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      return send(res, 503, { error: 'Service Unavailable' });
    }
    if (req.method !== 'GET' || url.pathname !== '/opendata/search.json') {
      return send(res, 404, { error: 'Not Found' });
    }

    const q = url.searchParams;
    const org = q.get('org');
    const type = q.get('type');
    const from = q.get('from_issue_date');
    const to = q.get('to_issue_date');
    for (const day of [from, to]) {
      if (day !== null && !isDay(day)) return send(res, 400, { error: `Bad date ${day}` });
    }
    if (from !== null && to !== null) {
      const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
      if (days > MAX_RANGE_DAYS) {
        return send(res, 400, {
          error: `Issue date range ${from}..${to} spans ${days} days; at most ${MAX_RANGE_DAYS}`,
        });
      }
    }
    const page = Number(q.get('page') ?? 0);
    const size = Math.min(Number(q.get('size') ?? 10), MAX_PAGE_SIZE);
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1) {
      return send(res, 400, { error: 'Bad page or size' });
    }

    const matching = decisions
      .filter((d) => org === null || d.organizationId === org)
      .filter((d) => type === null || d.decisionTypeId === type)
      .filter((d) => from === null || athensDay(d.issueDate) >= from)
      .filter((d) => to === null || athensDay(d.issueDate) <= to)
      // "recent" order: newest first, ties kept in input order.
      .sort((a, b) => b.issueDate - a.issueDate);
    const slice = matching.slice(page * size, (page + 1) * size);

    send(res, 200, {
      decisions: slice.map((d) => ({
        protocolNumber: d.protocolNumber,
        subject: d.subject,
        issueDate: d.issueDate,
        organizationId: d.organizationId,
        signerIds: [],
        unitIds: [],
        decisionTypeId: d.decisionTypeId,
        thematicCategoryIds: [],
        extraFieldValues: {},
        privateData: false,
        ada: d.ada,
        publishTimestamp: d.issueDate + DAY_MS,
        submissionTimestamp: d.issueDate + DAY_MS,
        versionId: randomUUID(),
        status: d.status ?? 'PUBLISHED',
        url: `${baseUrl}/opendata/decisions/${encodeURIComponent(d.ada)}`,
        // Left out when not given, so clients must cope with a missing link.
        documentUrl: d.documentUrl,
        documentChecksum: null,
        correctedVersionId: null,
        attachments: [],
        warnings: null,
      })),
      info: {
        query: [
          org && `organizationUid:"${org}"`,
          type && `decisionTypeUid:"${type}"`,
          (from ?? to) && `issueDate:[DT(${from ?? '*'}T00:00:00) TO DT(${to ?? '*'}T23:59:59)]`,
        ]
          .filter(Boolean)
          .join(' AND '),
        page,
        size,
        actualSize: slice.length,
        total: matching.length,
        order: 'recent',
      },
    });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps sockets alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

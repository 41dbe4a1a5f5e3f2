/**
 * npm run bench -- open311: on the requests scenario's 200,000 requests, GET
 * /open311/v2/requests.json for the busiest service over the default 90 days, and the public list
 * /requests/public, each under autocannon against the bare-server ceiling.
 */
import type { Db } from '../src/db/knex.ts';
import { listOpen311Requests } from '../src/features/open311/open311.repository.ts';
import { requestFilters } from '../src/features/open311/open311.service.ts';
import { capture, load, startCeiling } from './pages.ts';
import { ok } from './report.ts';
import { generateRequests } from './requests-data.ts';

export const OPEN311_BARS = { p99: 100, ratio: 0.05 };
/** Anonymous callers, each its own address (X-Forwarded-For, believed behind the bench's proxy). */
const CLIENTS = 2_000;

export interface Open311Setup {
  count: number;
  service: string;
  /** Public requests of that service in the default 90 days (the answer holds at most 1,000). */
  publicInWindow: number;
  publicShare: number;
  /** The list query alone, warm: the median of 5 runs, in ms. */
  queryMs: number;
}

/** The data set (made once, shared with the requests scenario) and the busiest public service. */
export async function prepareOpen311(db: Db): Promise<Open311Setup> {
  const count = await generateRequests(db);
  const filters = requestFilters({}, false, new Date());
  const busiest = (
    (await db.raw(
      `SELECT c.slug, count(*)::int AS n FROM requests r JOIN request_categories c ON c.id = r.category_id
       WHERE r.public AND r.created_at >= ? GROUP BY c.slug ORDER BY n DESC, c.slug LIMIT 1`,
      [filters.from!],
    )) as { rows: { slug: string; n: number }[] }
  ).rows[0]!;
  const share = (
    (await db.raw(`SELECT avg(r.public::int)::float AS share FROM requests r
      JOIN request_categories c ON c.id = r.category_id WHERE c.may_be_public`)) as {
      rows: { share: number }[];
    }
  ).rows[0]!.share;
  const times: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    const start = performance.now();
    await listOpen311Requests(db, { ...filters, serviceCodes: [busiest.slug] });
    if (i > 0) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    count,
    service: busiest.slug,
    publicInWindow: busiest.n,
    publicShare: share,
    queryMs: times[2]!,
  };
}

export interface Open311Row {
  name: string;
  path: string;
  /** The status the app answered when captured: anything but 200 is reported, not measured. */
  status: number;
  bytes: number;
  encoding: string;
  ceiling: number;
  /** The bare server's own p99 in the same run: what the bytes alone cost at 50 connections. */
  ceilingP99: number;
  rps: number;
  p50: number;
  p99: number;
  ratio: number;
  errors: number;
  pass: boolean;
}

/** Each target under 50 connections from 2,000 client addresses, after its ceiling. */
export async function open311Runs(
  base: string,
  setup: Open311Setup,
  options: { connections: number; duration: number; ceilingPort: number },
): Promise<Open311Row[]> {
  const headersFor = (n: number) => {
    const client = n % CLIENTS;
    return { 'x-forwarded-for': `10.31.${client >> 8}.${client & 255}` };
  };
  const targets = [
    {
      name: `Open311 GET requests.json (service_code=${setup.service}, default 90 days)`,
      path: `/open311/v2/requests.json?service_code=${setup.service}`,
    },
    { name: 'Public list of known problems', path: '/requests/public' },
  ];
  const rows: Open311Row[] = [];
  for (const [i, target] of targets.entries()) {
    await capture(`${base}${target.path}`, headersFor(i));
    const page = await capture(`${base}${target.path}`, headersFor(i));
    const row = { ...target, status: page.status, bytes: page.body.length };
    const encoding = page.headers['content-encoding'] ?? 'identity';
    if (page.status !== 200) {
      console.log(`${target.name}: ${page.status}, not measured`);
      const none = {
        ceiling: 0,
        ceilingP99: 0,
        rps: 0,
        p50: 0,
        p99: 0,
        ratio: 0,
        errors: 0,
        pass: false,
      };
      rows.push({ ...row, ...none, encoding });
      continue;
    }
    const bare = await startCeiling(
      { '/o': page },
      '.data/bench-open311.json',
      options.ceilingPort,
    );
    const ceilingUrl = `http://127.0.0.1:${options.ceilingPort}/o`;
    const run = { connections: options.connections, headersFor };
    console.log(`${target.name}: ceiling…`);
    await load(ceilingUrl, { ...run, duration: 2 });
    const ceiling = await load(ceilingUrl, { ...run, duration: options.duration });
    bare.stop();
    console.log(`${target.name}: app…`);
    await load(`${base}${target.path}`, { ...run, duration: 2 });
    const app = await load(`${base}${target.path}`, { ...run, duration: options.duration });
    const ratio = app.rps / ceiling.rps;
    console.log(
      `  ${app.rps.toFixed(0)} req/s (ceiling ${ceiling.rps.toFixed(0)}), p99 ${app.p99} ms`,
    );
    rows.push({
      ...row,
      ...app,
      encoding,
      ceiling: ceiling.rps,
      ceilingP99: ceiling.p99,
      ratio,
      pass: app.errors === 0 && app.p99 < OPEN311_BARS.p99 && ratio >= OPEN311_BARS.ratio,
    });
  }
  return rows;
}

export function open311Section(
  setup: Open311Setup,
  rows: readonly Open311Row[],
  peakMb: number,
  connections: number,
  duration: number,
): string {
  const table = rows
    .map((r) =>
      r.status === 200
        ? `| ${r.name} | ${r.bytes.toLocaleString('en')} ${r.encoding} | ${r.ceiling.toFixed(0)} | ${r.ceilingP99} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.ratio.toFixed(3)} | ${r.errors} | ${ok(r.pass)} (≥ ${OPEN311_BARS.ratio}, p99 < ${OPEN311_BARS.p99}) |`
        : `| ${r.name} (\`${r.path}\`) | answered ${r.status}: missing, not measured | | | | | | | | ${ok(false)} |`,
    )
    .join('\n');
  return `## Open311 and the public list (bars: p99 < ${OPEN311_BARS.p99} ms and at least ${OPEN311_BARS.ratio} of the ceiling)

${setup.count.toLocaleString('en')} requests made in SQL (the requests scenario's data set); ${(setup.publicShare * 100).toFixed(0)}% of those in categories that may
be public are marked public. The service is the one with the most public requests in the default window
(\`${setup.service}\`: ${setup.publicInWindow.toLocaleString('en')} public requests in the 90 days ending today, so the answer is the spec's
maximum of 1,000). autocannon, ${connections} connections, ${duration} s after a 2 s warm-up, calls without a key from ${CLIENTS.toLocaleString('en')}
client addresses in turn (X-Forwarded-For, as behind the one proxy; the anonymous limit of 300 calls in 5 minutes per
address is counted as for anyone); the ceiling is the bare server answering with the bytes the app sent, from the same
addresses.

| endpoint | bytes sent | ceiling req/s | ceiling p99 ms | app req/s | p50 ms | p99 ms | ratio | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${table}

The Open311 list query alone takes ~${setup.queryMs.toFixed(0)} ms warm (one query: for each category asked for, its newest
1,000 requests in the window read in order from requests_category_public_idx, a LATERAL subquery that stops at the
limit; before that index, a sequential scan of all 200,000 requests and a sort, ~500 ms). Its answer (JSON or XML, plain,
gzip and br) is kept per format, language, scope (anonymous or open311:read-all) and filters, the default window's
first day included, in the work cache until a request, category or department changes (NOTIFY work_changed); a kept
answer is sent without touching PostgreSQL, and before Express sets the call up (\`standardApi.early\`, as kept pages
are): that took the app from ~1,080 req/s and p99 ~118 ms to near the ceiling. The public list is kept rendered for
anonymous readers in the same cache (\`publicPages\` with \`changesWith: 'work'\`); rendered afresh it answered 24–67 req/s.
Peak RSS of the app during these runs: ${peakMb.toFixed(0)} MB.`;
}

/**
 * npm run bench -- soak: the app under a steady mix of public, signed-in citizen and staff pages at
 * 50 connections for SOAK_MINUTES (default 10), the app process's RSS sampled every 5 s. Memory is
 * flat when the last minute's mean RSS is within 10 % of minute 2's (minute 1 is the warm-up:
 * caches filling, code compiled). Writes the RSS curve as docs/soak-rss.svg.
 */
import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import type { Db } from '../src/db/knex.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { ACCEPT_ENCODING, capture } from './pages.ts';
import { ok } from './report.ts';
import { PROXY_HEADERS, signInOnce } from './sign-in.ts';

const CONNECTIONS = 50;
const SAMPLE_SECONDS = 5;
const TOLERANCE = 0.1;
const CITIZENS = 20;
const STAFF = ['soak.staff.0', 'soak.staff.1'];
const STAFF_PASSWORD = 'soak staff password for the bench 2026';
export const SOAK_CHART = 'docs/soak-rss.svg';

type Kind = 'public' | 'citizen' | 'staff';
const KINDS: Kind[] = ['public', 'citizen', 'staff'];

interface MixEntry {
  kind: Kind;
  /** How the page is named in the report: its path, and what changes in it. */
  label: string;
  note?: string;
  /** How many times the page comes in the cycle of 40 requests. */
  weight: number;
  /** The n-th request's path (a page that changes from request to request: decisions by id). */
  path: (n: number) => string;
}

export interface SoakSetup {
  decisionIds: number[];
  benefit: string;
  health: string;
}

/** Staff accounts (admin, editor, handler of every department) and what the public pages show. */
export async function prepareSoak(db: Db): Promise<SoakSetup> {
  const hash = await hashSecret(STAFF_PASSWORD);
  for (const username of STAFF) {
    await db.raw(
      `INSERT INTO users (username, full_name, email, password_hash, status, roles, activated_at)
       VALUES (?, 'Υπάλληλος δοκιμής αντοχής', ?, ?, 'active', '{admin,editor,handler}', now())
       ON CONFLICT (lower(username)) DO UPDATE SET password_hash = EXCLUDED.password_hash,
         roles = EXCLUDED.roles, status = 'active'`,
      [username, `${username}@example.gov.gr`, hash],
    );
    await db.raw(
      `INSERT INTO department_handlers (department_id, user_id)
       SELECT d.id, u.id FROM departments d, users u WHERE u.username = ? ON CONFLICT DO NOTHING`,
      [username],
    );
  }
  // 5,000 decisions read in turn: more rendered pages than the cache budget holds, so the
  // content cache evicts all along, as it does on a busy day.
  const decisionIds = (await db('decisions')
    .where('status', 'published')
    .orderByRaw('random()')
    .limit(5000)
    .pluck('id')) as number[];
  const slug = async (table: string) =>
    ((await db(table).where('status', 'published').first('slug')) as { slug: string }).slug;
  return { decisionIds, benefit: await slug('benefits'), health: await slug('health_services') };
}

function mixOf(setup: SoakSetup): MixEntry[] {
  const words = ['ύδρευση', 'σχολείο', 'προϋπολογισμός', 'δρόμος', 'πλατεία', 'άδεια', 'έργο'];
  const fixed = (kind: Kind, path: string, weight = 1): MixEntry => ({
    kind,
    label: path,
    weight,
    path: () => path,
  });
  const ids = setup.decisionIds;
  return [
    fixed('public', '/', 4),
    fixed('public', '/decisions', 2),
    {
      kind: 'public',
      label: '/decisions?page=<n>',
      note: 'pages 2 to 40 in turn',
      weight: 2,
      path: (n) => `/decisions?page=${2 + (n % 39)}`,
    },
    {
      kind: 'public',
      label: '/decisions/<id>',
      note: `${ids.length.toLocaleString('en')} decisions in turn`,
      weight: 8,
      path: (n) => `/decisions/${ids[n % ids.length]}`,
    },
    {
      kind: 'public',
      label: '/decisions?q=<word>',
      note: `${words.length} words in turn`,
      weight: 1,
      path: (n) => `/decisions?q=${encodeURIComponent(words[n % words.length]!)}`,
    },
    fixed('public', '/benefits', 2),
    fixed('public', `/benefits/${setup.benefit}`),
    fixed('public', '/health', 2),
    fixed('public', `/health/${setup.health}`),
    fixed('public', '/contact'),
    fixed('citizen', '/', 3),
    fixed('citizen', '/account', 3),
    fixed('citizen', '/requests', 2),
    fixed('citizen', '/polls'),
    fixed('citizen', '/certificates'),
    fixed('citizen', '/fines'),
    fixed('citizen', '/decisions'),
    fixed('staff', '/staff'),
    fixed('staff', '/staff/decisions'),
    fixed('staff', '/staff/requests'),
    fixed('staff', '/staff/audit'),
  ];
}

/** The mix spread out (weights as repeats, interleaved), so every stretch of 40 requests has its shares. */
function cycleOf(mix: MixEntry[]): MixEntry[] {
  const slots: { at: number; entry: MixEntry }[] = [];
  for (const entry of mix)
    for (let i = 0; i < entry.weight; i += 1) slots.push({ at: (i + 0.5) / entry.weight, entry });
  return slots.sort((a, b) => a.at - b.at).map((slot) => slot.entry);
}

/** Latencies in 0.1 ms steps up to 10 s (the last step takes the rest). */
class Histogram {
  private readonly counts = new Uint32Array(100_001);
  count = 0;
  add(ms: number) {
    this.counts[Math.min(this.counts.length - 1, Math.round(ms * 10))]! += 1;
    this.count += 1;
  }
  percentile(p: number): number {
    const wanted = Math.ceil(this.count * p);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i]!;
      if (seen >= wanted && seen > 0) return i / 10;
    }
    return 0;
  }
}

export interface RssSample {
  seconds: number;
  mb: number;
}

export interface SoakResult {
  minutes: number;
  connections: number;
  mix: { kind: Kind; share: number; pages: string[] }[];
  /** Requests in one turn of the mix. */
  cycle: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  perKind: Record<Kind, { requests: number; errors: number; p50: number; p99: number }>;
  samples: RssSample[];
  minute2Mb: number;
  lastMinuteMb: number;
  lastMinuteMaxMb: number;
  /** The last minute's mean against minute 2's: +0.04 is 4 % more. */
  drift: number;
  /** Minute 2 and the last minute are different minutes (a run of 3 minutes or more). */
  judged: boolean;
  memoryFlat: boolean;
}

export async function soakRun(
  base: string,
  setup: SoakSetup,
  options: { minutes: number; citizenPassword: string; rss: () => number },
): Promise<SoakResult> {
  const mix = mixOf(setup);
  const cycle = cycleOf(mix);
  const citizens: string[] = [];
  for (let i = 0; i < CITIZENS; i += 1)
    citizens.push(await signInOnce(base, `bench.${i}`, options.citizenPassword));
  const staff: string[] = [];
  for (const username of STAFF) staff.push(await signInOnce(base, username, STAFF_PASSWORD));
  const cookieFor = (kind: Kind, n: number) =>
    kind === 'citizen'
      ? citizens[n % citizens.length]
      : kind === 'staff'
        ? staff[n % staff.length]
        : undefined;

  // Every page of the mix answers 200 as whom it is asked by, before the clock starts.
  const refused: string[] = [];
  for (const entry of mix) {
    const cookie = cookieFor(entry.kind, 0);
    const page = await capture(`${base}${entry.path(0)}`, {
      ...PROXY_HEADERS,
      ...(cookie ? { cookie } : {}),
    });
    if (page.status !== 200) refused.push(`${entry.kind} ${entry.path(0)}: ${page.status}`);
  }
  if (refused.length) throw new Error(`soak: pages not answering 200: ${refused.join('; ')}`);

  const counts = Object.fromEntries(
    KINDS.map((kind) => [kind, { requests: 0, errors: 0, latency: new Histogram() }]),
  ) as Record<Kind, { requests: number; errors: number; latency: Histogram }>;
  const samples: RssSample[] = [];
  const started = performance.now();
  const sample = () =>
    samples.push({ seconds: (performance.now() - started) / 1000, mb: options.rss() });
  sample();
  const sampler = setInterval(sample, SAMPLE_SECONDS * 1000);
  const progress = setInterval(() => {
    const done = KINDS.reduce((sum, kind) => sum + counts[kind].requests, 0);
    const failed = KINDS.reduce((sum, kind) => sum + counts[kind].errors, 0);
    const minute = Math.round((performance.now() - started) / 60_000);
    console.log(
      `  minute ${minute}: ${done.toLocaleString('en')} requests, ${failed} errors, RSS ${options.rss().toFixed(0)} MB`,
    );
  }, 60_000);

  let n = 0;
  interface Context {
    kind?: Kind;
    sentAt?: number;
  }
  console.log(
    `soak: ${options.minutes} min at ${CONNECTIONS} connections (RSS every ${SAMPLE_SECONDS} s)…`,
  );
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: options.minutes * 60,
    pipelining: 1,
    headers: { ...ACCEPT_ENCODING, ...PROXY_HEADERS },
    requests: [
      {
        method: 'GET',
        setupRequest: (request, ctx: object) => {
          const context = ctx as Context;
          n += 1;
          const entry = cycle[n % cycle.length]!;
          const cookie = cookieFor(entry.kind, n);
          context.kind = entry.kind;
          context.sentAt = performance.now();
          return {
            ...request,
            path: entry.path(n),
            headers: { ...request.headers, ...(cookie ? { cookie } : {}) },
          };
        },
        onResponse: (status, _body, ctx: object) => {
          const context = ctx as Context;
          const kind = counts[context.kind ?? 'public'];
          kind.requests += 1;
          if (status < 200 || status >= 300) kind.errors += 1;
          kind.latency.add(performance.now() - (context.sentAt ?? performance.now()));
        },
      },
    ],
  });
  clearInterval(sampler);
  clearInterval(progress);
  sample();

  const meanOf = (from: number, to: number) => {
    const inside = samples.filter((s) => s.seconds >= from && s.seconds < to).map((s) => s.mb);
    return {
      mean: inside.reduce((sum, mb) => sum + mb, 0) / Math.max(1, inside.length),
      max: Math.max(0, ...inside),
    };
  };
  const end = options.minutes * 60;
  const minute2 = meanOf(60, 120);
  const last = meanOf(end - 60, end + SAMPLE_SECONDS);
  const drift = last.mean / minute2.mean - 1;
  const judged = options.minutes >= 3;
  const perKind = Object.fromEntries(
    KINDS.map((kind) => [
      kind,
      {
        requests: counts[kind].requests,
        errors: counts[kind].errors,
        p50: counts[kind].latency.percentile(0.5),
        p99: counts[kind].latency.percentile(0.99),
      },
    ]),
  ) as SoakResult['perKind'];
  const total = cycle.length;
  return {
    minutes: options.minutes,
    connections: CONNECTIONS,
    cycle: total,
    mix: KINDS.map((kind) => {
      const entries = mix.filter((entry) => entry.kind === kind);
      return {
        kind,
        share: entries.reduce((sum, entry) => sum + entry.weight, 0) / total,
        pages: entries.map(
          (entry) =>
            `\`${entry.label}\`${entry.note ? ` (${entry.note})` : ''}${entry.weight > 1 ? ` ×${entry.weight}` : ''}`,
        ),
      };
    }),
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    perKind,
    samples,
    minute2Mb: minute2.mean,
    lastMinuteMb: last.mean,
    lastMinuteMaxMb: last.max,
    drift,
    judged,
    memoryFlat: Math.abs(drift) <= TOLERANCE,
  };
}

/** The verdict the run holds itself to: no errors, and memory flat (when there is a verdict). */
export function soakPasses(result: SoakResult): boolean {
  return result.errors === 0 && (!result.judged || result.memoryFlat);
}

export function soakSection(result: SoakResult): string {
  writeFileSync(SOAK_CHART, rssChart(result));
  const percent = (share: number) => `${Math.round(share * 100)} %`;
  const mixRows = result.mix
    .map((m) => `| ${m.kind} | ${percent(m.share)} | ${m.pages.join(', ')} |`)
    .join('\n');
  const kindRows = KINDS.map((kind) => {
    const k = result.perKind[kind];
    return `| ${kind} | ${k.requests.toLocaleString('en')} | ${k.errors} | ${k.p50.toFixed(1)} | ${k.p99.toFixed(1)} |`;
  }).join('\n');
  const driftPercent = Math.round(result.drift * 1000) / 10;
  const change = `${driftPercent > 0 ? '+' : ''}${driftPercent.toFixed(1)} %`;
  const verdict = result.judged
    ? ok(result.memoryFlat)
    : `not judged (a ${result.minutes}-minute run: minute 2 is its last minute; SOAK_MINUTES of 3 or more)`;
  return `## Soak: ${result.minutes} minutes of mixed pages (bars: no errors; memory flat, the last minute's RSS within ${TOLERANCE * 100} % of minute 2's)

autocannon, ${result.connections} connections for ${result.minutes} minutes (\`SOAK_MINUTES\`, default 10), each request the next page of
a fixed cycle of ${result.cycle} (×n: the page comes n times in it). Citizens are the 20 bench citizens signed in
once before the run (each request as the next of them), staff two accounts with the admin, editor and handler roles.

| who | share | pages |
| --- | ---: | --- |
${mixRows}

**${result.requests.toLocaleString('en')} requests** (${result.rps.toFixed(0)} req/s), **${result.errors} errors** (not 2xx, or no answer): ${ok(result.errors === 0)}.
Latency over all: p50 **${result.p50} ms**, p99 **${result.p99} ms**. By who asks (timed by the client):

| who | requests | errors | p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: |
${kindRows}

RSS of the app process (\`VmRSS\` in \`/proc/<pid>/status\`) every ${SAMPLE_SECONDS} s: minute 2 averaged **${result.minute2Mb.toFixed(0)} MB**,
the last minute **${result.lastMinuteMb.toFixed(0)} MB** (${change}; at most ${result.lastMinuteMaxMb.toFixed(0)} MB).
Memory flat: ${verdict}.

![RSS of the app process through the soak, sampled every ${SAMPLE_SECONDS} s](soak-rss.svg)`;
}

/** The RSS curve as an SVG line chart: minutes across, MB up, minute 2 and the last minute shaded. */
export function rssChart(result: SoakResult): string {
  const width = 720;
  const height = 320;
  const left = 64;
  const right = 20;
  const top = 36;
  const bottom = 48;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const seconds = result.minutes * 60;
  const highest = Math.max(1, ...result.samples.map((s) => s.mb), result.minute2Mb * 1.1);
  const step = [10, 20, 25, 50, 100, 200, 250, 500].find((s) => highest / s <= 8) ?? 1000;
  const yMax = Math.ceil((highest * 1.05) / step) * step;
  const x = (s: number) => left + (Math.min(s, seconds) / seconds) * plotW;
  const y = (mb: number) => top + plotH - (mb / yMax) * plotH;
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  const band = (from: number, to: number, fill: string, label: string) => {
    parts.push(
      `<rect x="${f(x(from))}" y="${top}" width="${f(x(to) - x(from))}" height="${plotH}" fill="${fill}"/>`,
      `<text x="${f((x(from) + x(to)) / 2)}" y="${top + 14}" text-anchor="middle" class="small">${label}</text>`,
    );
  };
  if (result.minutes >= 2) band(60, 120, '#dbe9f6', 'minute 2');
  if (result.judged) band(seconds - 60, seconds, '#fbe5cf', 'last minute');
  for (let mb = 0; mb <= yMax; mb += step) {
    parts.push(
      `<line x1="${left}" y1="${f(y(mb))}" x2="${left + plotW}" y2="${f(y(mb))}" stroke="#d0d0d0"/>`,
      `<text x="${left - 8}" y="${f(y(mb) + 4)}" text-anchor="end">${mb} MB</text>`,
    );
  }
  const minuteStep = result.minutes > 20 ? 5 : 1;
  for (let m = 0; m <= result.minutes; m += minuteStep) {
    parts.push(
      `<line x1="${f(x(m * 60))}" y1="${top + plotH}" x2="${f(x(m * 60))}" y2="${top + plotH + 6}" stroke="#333"/>`,
      `<text x="${f(x(m * 60))}" y="${top + plotH + 20}" text-anchor="middle">${m}</text>`,
    );
  }
  // The band the last minute must stay in: minute 2's mean ± 10 %.
  for (const bound of [1 - TOLERANCE, 1 + TOLERANCE])
    parts.push(
      `<line x1="${left}" y1="${f(y(result.minute2Mb * bound))}" x2="${left + plotW}" y2="${f(y(result.minute2Mb * bound))}" stroke="#8a5a00" stroke-dasharray="6 4"/>`,
    );
  const points = result.samples.map((s) => `${f(x(s.seconds))},${f(y(s.mb))}`).join(' ');
  parts.push(
    `<polyline points="${points}" fill="none" stroke="#0b4f71" stroke-width="2" stroke-linejoin="round"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">minutes</text>`,
    `<text x="${left}" y="20" class="title">RSS of the app process, every ${SAMPLE_SECONDS} s, ${result.connections} connections (dashed: minute 2 ± ${TOLERANCE * 100} %)</text>`,
  );
  const description = `From ${result.samples[0]?.mb.toFixed(0) ?? 0} MB at the start to ${result.samples.at(-1)?.mb.toFixed(0) ?? 0} MB after ${result.minutes} minutes; minute 2 averaged ${result.minute2Mb.toFixed(0)} MB, the last minute ${result.lastMinuteMb.toFixed(0)} MB.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title desc">
<title id="title">RSS of the app process through the soak</title>
<desc id="desc">${description}</desc>
<style>text { font: 12px sans-serif; fill: #222; } .small { font-size: 11px; fill: #555; } .title { font-size: 13px; font-weight: bold; }</style>
<rect width="${width}" height="${height}" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}

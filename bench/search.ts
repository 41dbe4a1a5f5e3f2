/**
 * Searches: timed at the server one at a time (each different, so PostgreSQL does the work), and a
 * flood of distinct searches over decisions with 3,000-character summaries, the kind of load that
 * once filled the process's memory through the result cache.
 */
import autocannon from 'autocannon';
import type { Db } from '../src/db/knex.ts';
import { ACCEPT_ENCODING } from './pages.ts';

/** The year that holds the long decisions (the generated set uses 2002–2023, the demo 2024–2026). */
export const LONG_YEAR = 2001;
const LONG_COUNT = 2000;
const LONG_PREFIX = 'Πράξη';
// Words the generated decisions and the timed searches never use, so those searches stay as they were.
const LONG_WORDS = [
  'αλιευτικού',
  'καταφυγίου',
  'ναυταθλητικού',
  'ελαιοτριβείου',
  'αμπελώνων',
  'μελισσοκόμων',
  'κτηνοτρόφων',
  'βοσκοτόπων',
  'αρδευτικού',
  'φράγματος',
  'δεξαμενής',
  'ανεμογεννητριών',
  'φωτοβολταϊκού',
  'πυρόσβεσης',
];

/** 2,000 published decisions in LONG_YEAR, each summary 3,000 characters of Greek. */
export async function ensureLongDecisions(db: Db): Promise<void> {
  const made = db('decisions').where('year', LONG_YEAR);
  const have = Number(
    (
      (await made.clone().whereLike('summary', `${LONG_PREFIX}%`).count({ n: '*' }).first()) as {
        n: number;
      }
    ).n,
  );
  if (have >= LONG_COUNT) return;
  // Made by an earlier version of this bench (other words): made again.
  await made.clone().delete();
  const category = (await db('decision_categories').orderBy('id').first('id')) as { id: number };
  const rows = [];
  for (let n = 1; n <= LONG_COUNT; n += 1) {
    let summary = `${LONG_PREFIX} ${n}/${LONG_YEAR}. `;
    for (let i = 0; summary.length < 3000; i += 1)
      summary += `${LONG_WORDS[(n * 7 + i * 3) % LONG_WORDS.length]} `;
    const month = String((n % 12) + 1).padStart(2, '0');
    const day = String((n % 28) + 1).padStart(2, '0');
    rows.push({
      number: n,
      year: LONG_YEAR,
      meeting_date: `${LONG_YEAR}-${month}-${day}`,
      category_id: category.id,
      subject: `Σχέδιο ${LONG_WORDS[n % LONG_WORDS.length]} ${n}`,
      summary: summary.slice(0, 3000),
      status: 'published',
      published_at: new Date(`${LONG_YEAR}-${month}-${day}T12:00:00Z`),
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db('decisions').insert(rows.slice(i, i + 500));
  await db.raw('ANALYZE decisions');
}

/**
 * A search no one made before: a word the long decisions share, OR a made-up word (matching
 * nothing) that makes the query, and so its cache key, new. 20 results of 3,000 characters each.
 */
export const distinctLongSearch = (n: number) =>
  `/decisions?q=${encodeURIComponent(`${LONG_WORDS[n % LONG_WORDS.length]} or qz${n.toString(36)}`)}&year=${LONG_YEAR}&page=${(n % 3) + 1}`;

export async function flood(base: string, count: number, connections = 20) {
  let n = 0;
  const started = performance.now();
  const result = await autocannon({
    url: base,
    connections,
    amount: count,
    headers: ACCEPT_ENCODING,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: distinctLongSearch((n += 1)) }),
      },
    ],
  });
  return {
    searches: result.requests.total,
    ok: result['2xx'],
    errors: result.errors + result.timeouts + result.non2xx,
    seconds: (performance.now() - started) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Word × year × page, then word × page over every year: 412 searches, each once. */
export async function timedSearches(base: string): Promise<{ seconds: number }> {
  const words = [
    'προϋπολογισμός',
    'καθαριότητα',
    'ασφαλτόστρωση',
    'πολιτιστικών εκδηλώσεων',
    'αποφαση',
    'επιχορήγηση συλλόγου',
    'κυκλοφορίας',
    'ανακύκλωσης',
  ];
  const started = Date.now();
  const fetchText = (path: string) => fetch(`${base}${path}`).then((r) => r.text());
  for (let year = 2002; year <= 2023; year += 1)
    for (const w of words)
      for (const p of [1, 2])
        await fetchText(`/decisions?q=${encodeURIComponent(w)}&year=${year}&page=${p}`);
  const broadWords = [
    ...words,
    'προμήθεια',
    'μελέτης',
    'παράταση',
    'επιτροπής',
    'πλατείας',
    'σχολείου',
    'τελών',
    'στάθμευσης',
    'γυμναστηρίου',
    'εκπροσώπων',
    'Κριτσάς',
    'Ελούντας',
  ];
  for (const w of broadWords)
    for (const p of [1, 2, 3]) await fetchText(`/decisions?q=${encodeURIComponent(w)}&page=${p}`);
  return { seconds: (Date.now() - started) / 1000 };
}

/** The server's own timing of those searches, from its request log. */
export function searchTimes(logText: string) {
  const logged = logText
    .split('\n')
    .filter((line) => line.includes('"/decisions?q=') && line.includes('&page='))
    .map((line) => JSON.parse(line) as { responseTime: number; req: { url: string } })
    .filter((entry) => !entry.req.url.includes(`year=${LONG_YEAR}`));
  const percentile = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length * p)] ?? NaN;
  const times = logged.map((entry) => entry.responseTime);
  const broad = logged
    .filter((entry) => !entry.req.url.includes('&year='))
    .map((entry) => entry.responseTime);
  return {
    count: times.length,
    broadCount: broad.length,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    broadP95: percentile(broad, 0.95),
  };
}

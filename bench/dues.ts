/**
 * npm run bench -- dues: a verified citizen's /dues on 1,000,000 debts of 200,000 AFMs (with
 * arrangements, their instalments and the matched payments), made in SQL, under autocannon at 50
 * connections against the bare-server ceiling, as 20 signed-in citizens in turn. The scenario is
 * made of parts: `duesPageRun` is the first; another (the import) adds its own result and its
 * paragraph to `duesSection`.
 */
import type { Db } from '../src/db/knex.ts';
import { financeModule } from '../src/features/finance/finance.module.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { capture, load, startCeiling } from './pages.ts';
import { ok } from './report.ts';
import { PROXY_HEADERS, signInOnce } from './sign-in.ts';

export const DUES_BARS = { p99: 100, ratio: 0.05, rssMb: 250 };
export const DEBTS = 1_000_000;
export const AFMS = 200_000;
const CITIZENS = 20;
const PASSWORD = 'bench verified citizen password 2026';

/** The AFM of bench person n (1 … AFMS): 8 digits and their check digit, as in SQL below. */
const AFM_SQL = (n: string) => `(SELECT s || (((
    substr(s, 1, 1)::int * 256 + substr(s, 2, 1)::int * 128 + substr(s, 3, 1)::int * 64 +
    substr(s, 4, 1)::int * 32 + substr(s, 5, 1)::int * 16 + substr(s, 6, 1)::int * 8 +
    substr(s, 7, 1)::int * 4 + substr(s, 8, 1)::int * 2) % 11) % 10)::text
  FROM (SELECT (20000000 + ${n})::text AS s) digits)`;

export interface DuesSetup {
  debts: number;
  arrangements: number;
  instalments: number;
  payments: number;
  /** The citizens' usernames (each verified, with a bench AFM that has an arrangement). */
  citizens: string[];
  /** Rows of the first citizen, as their page shows them. */
  sample: { debts: number; instalments: number; payments: number };
}

/** Makes the data once (a later run finds it) and the signed-in citizens' accounts. */
export async function prepareDues(db: Db): Promise<DuesSetup> {
  await financeModule.referenceData?.(db);
  const have = await db.raw<{ rows: { n: number }[] }>(
    "SELECT count(*)::int AS n FROM debts WHERE source_id LIKE 'BD%'",
  );
  if (have.rows[0]!.n !== DEBTS) {
    console.log(
      `dues: ${DEBTS.toLocaleString('en')} debts for ${AFMS.toLocaleString('en')} AFMs in SQL (once)…`,
    );
    await generateDues(db);
  }
  // An earlier run's sign-ins from the bench's one address still count against its limit.
  await db('rate_limits').delete();
  const hash = await hashSecret(PASSWORD);
  await db('users').whereLike('username', 'duesbench.%').delete();
  const citizens = Array.from({ length: CITIZENS }, (_v, i) => `duesbench.${i}`);
  // Every tenth person has an arrangement: the citizens are persons 10, 20, … .
  await db.raw(
    `INSERT INTO users (username, full_name, email, password_hash, status, activated_at,
       identity_verified_at, afm)
     SELECT 'duesbench.' || i, 'Δημότης ' || i, 'duesbench.' || i || '@example.gr', ?, 'active',
       now(), now(), ${AFM_SQL('(i + 1) * 10')}
     FROM generate_series(0, ${CITIZENS - 1}) i`,
    [hash],
  );
  const counts = await db.raw<{ rows: Omit<DuesSetup, 'citizens' | 'sample'>[] }>(
    `SELECT (SELECT count(*)::int FROM debts) AS debts,
       (SELECT count(*)::int FROM arrangements) AS arrangements,
       (SELECT count(*)::int FROM arrangement_instalments) AS instalments,
       (SELECT count(*)::int FROM payments) AS payments`,
  );
  const afm = (await db('users').where({ username: citizens[0] }).first('afm')) as { afm: string };
  const sample = await db.raw<{ rows: DuesSetup['sample'][] }>(
    `SELECT (SELECT count(*)::int FROM debts WHERE afm = :afm) AS debts,
       (SELECT count(*)::int FROM arrangement_instalments i JOIN arrangements a
         ON a.id = i.arrangement_id WHERE a.afm = :afm) AS instalments,
       (SELECT count(*)::int FROM payments p JOIN debts d ON d.id = p.debt_id WHERE d.afm = :afm)
       + (SELECT count(*)::int FROM payments p JOIN arrangement_instalments i ON i.id = p.instalment_id
         JOIN arrangements a ON a.id = i.arrangement_id WHERE a.afm = :afm) AS payments`,
    { afm: afm.afm },
  );
  return { ...counts.rows[0]!, citizens, sample: sample.rows[0]! };
}

/**
 * Five debts a person (kinds, periods 2022–2026 and due dates spread over them); a third paid,
 * a sixth part paid, each payment recorded as matched; every tenth person one arrangement of six
 * monthly instalments (the first three paid) covering their first debt.
 */
async function generateDues(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw("DELETE FROM payments WHERE bank_reference LIKE 'BP%'");
    await trx.raw("DELETE FROM debts WHERE source_id LIKE 'BD%'");
    await trx.raw("DELETE FROM arrangements WHERE source_id LIKE 'BA%'");
    await trx.raw(`CREATE TEMP TABLE bench_afms ON COMMIT DROP AS
      SELECT n, ${AFM_SQL('n')} AS afm FROM generate_series(1, ${AFMS}) n`);
    await trx.raw(`INSERT INTO debts (source_id, afm, type_code, period, property, amount_cents,
        paid_cents, due_date, rf)
      SELECT 'BD' || g, a.afm,
        (ARRAY['TAP', 'CLEANING_LIGHTING', 'WATER', 'PAVEMENT', 'KIOSK', 'MARKET', 'OTHER'])[1 + g % 7],
        (2022 + (g / ${AFMS}) % 5)::text,
        'Οδός Κουντούρου ' || (1 + g % 180) || ', Άγιος Νικόλαος',
        amount, CASE g % 6 WHEN 0 THEN amount WHEN 1 THEN amount WHEN 2 THEN amount / 2 ELSE 0 END,
        make_date(2022 + (g / ${AFMS}) % 5, 1 + g % 12, 28),
        rf_make('BD' || g)
      FROM generate_series(0, ${DEBTS - 1}) g
      JOIN bench_afms a ON a.n = 1 + g % ${AFMS}
      CROSS JOIN LATERAL (SELECT 1000 + (g::bigint * 7919) % 90000 AS amount) x`);
    await trx.raw(`INSERT INTO arrangements (source_id, afm, decided_on)
      SELECT 'BA' || n, afm, DATE '2025-12-15' FROM bench_afms WHERE n % 10 = 0`);
    await trx.raw(`INSERT INTO arrangement_instalments (arrangement_id, number, due_date,
        amount_cents, paid_cents, rf)
      SELECT a.id, k, (DATE '2026-01-31' + (k - 1) * interval '1 month')::date, 5000,
        CASE WHEN k <= 3 THEN 5000 ELSE 0 END, rf_make('BI' || a.id || 'N' || k)
      FROM arrangements a CROSS JOIN generate_series(1, 6) k
      WHERE a.source_id LIKE 'BA%'`);
    await trx.raw(`UPDATE debts d SET arrangement_id = a.id
      FROM arrangements a JOIN bench_afms b ON 'BA' || b.n = a.source_id
      WHERE d.source_id = 'BD' || (b.n - 1) AND a.source_id LIKE 'BA%'`);
    await trx.raw(`INSERT INTO payments (bank_reference, rf, amount_cents, paid_at, outcome, debt_id)
      SELECT 'BP' || d.id, d.rf, d.paid_cents, d.due_date - 10 + time '10:00', 'matched', d.id
      FROM debts d WHERE d.source_id LIKE 'BD%' AND d.paid_cents > 0`);
    await trx.raw(`INSERT INTO payments (bank_reference, rf, amount_cents, paid_at, outcome,
        instalment_id)
      SELECT 'BPI' || i.id, i.rf, i.paid_cents, i.due_date - 5 + time '10:00', 'matched', i.id
      FROM arrangement_instalments i JOIN arrangements a ON a.id = i.arrangement_id
      WHERE a.source_id LIKE 'BA%' AND i.paid_cents > 0`);
  });
  await db.raw('ANALYZE debts, arrangements, arrangement_instalments, payments');
}

export interface DuesPageResult {
  bytes: number;
  encoding: string;
  ceiling: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  ratio: number;
}

/** /dues under load, each request as one of the 20 signed-in citizens in turn, and its ceiling. */
export async function duesPageRun(
  base: string,
  setup: DuesSetup,
  options: { connections: number; duration: number; ceilingPort: number },
): Promise<DuesPageResult> {
  const cookies: string[] = [];
  for (const username of setup.citizens) cookies.push(await signInOnce(base, username, PASSWORD));
  const headersFor = (n: number) => ({ cookie: cookies[n % cookies.length]!, ...PROXY_HEADERS });
  await capture(`${base}/dues`, headersFor(0));
  const page = await capture(`${base}/dues`, headersFor(0));
  if (page.status !== 200) throw new Error(`/dues answered ${page.status}`);
  if (!page.body.length) throw new Error('/dues sent nothing');
  const bare = await startCeiling({ '/d': page }, '.data/bench-dues.json', options.ceilingPort);
  const ceilingUrl = `http://127.0.0.1:${options.ceilingPort}/d`;
  console.log('dues: ceiling…');
  await load(ceilingUrl, { connections: options.connections, duration: 2 });
  const ceiling = await load(ceilingUrl, options);
  bare.stop();
  console.log('dues: app…');
  await load(`${base}/dues`, { ...options, duration: 2, headersFor });
  const app = await load(`${base}/dues`, { ...options, headersFor });
  console.log(
    `  ${app.rps.toFixed(0)} req/s (ceiling ${ceiling.rps.toFixed(0)}), p99 ${app.p99} ms`,
  );
  return {
    ...app,
    bytes: page.body.length,
    encoding: page.headers['content-encoding'] ?? 'identity',
    ceiling: ceiling.rps,
    ratio: app.rps / ceiling.rps,
  };
}

/** The scenario's section of docs/PERFORMANCE.md; `parts` are the other parts' paragraphs. */
export function duesSection(
  setup: DuesSetup,
  page: DuesPageResult,
  peakMb: number,
  run: { connections: number; duration: number },
  parts: readonly string[] = [],
): string {
  const pass = page.errors === 0 && page.p99 < DUES_BARS.p99 && page.ratio >= DUES_BARS.ratio;
  return `## Dues: a verified citizen's /dues (bars: p99 < ${DUES_BARS.p99} ms and at least ${DUES_BARS.ratio} of the ceiling; RSS < ${DUES_BARS.rssMb} MB)

${setup.debts.toLocaleString('en')} debts of ${AFMS.toLocaleString('en')} AFMs (valid check digits, RF codes made by \`rf_make\`), ${setup.arrangements.toLocaleString('en')} arrangements
with ${setup.instalments.toLocaleString('en')} instalments and ${setup.payments.toLocaleString('en')} matched payments, all made in SQL (generate_series),
besides the 100,000 decisions. ${setup.citizens.length} verified citizens signed in, each request as the next of them in turn
(their sessions' cookies), each with ${setup.sample.debts} debts, an arrangement of ${setup.sample.instalments} instalments and ${setup.sample.payments} payments on the page.
autocannon, ${run.connections} connections, ${run.duration} s after a 2 s warm-up; the ceiling is the bare server answering with the bytes
the app sent for the first citizen's page.

| page | bytes sent | ceiling req/s | app req/s | p50 ms | p99 ms | ratio | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| /dues (debts, totals, arrangement, payments, debt status) | ${page.bytes.toLocaleString('en')} ${page.encoding} | ${page.ceiling.toFixed(0)} | ${page.rps.toFixed(0)} | ${page.p50} | ${page.p99} | ${page.ratio.toFixed(3)} | ${page.errors} | ${ok(pass)} (≥ ${DUES_BARS.ratio}, p99 < ${DUES_BARS.p99}) |

Peak RSS during the run: **${peakMb.toFixed(0)} MB**: ${ok(peakMb < DUES_BARS.rssMb)}.
The page is kept rendered per session, language and Athens day (the dues module's \`keptPages\`, personal-pages.ts)
until a write to the finance tables announces itself (NOTIFY work_changed from debts, arrangements, instalments, payments
and fines): the first request of each citizen renders it, the rest are answered from memory before Express, with the
same headers and log line. Its data comes from one statement, each part an index walk for the one AFM (debts_afm_idx,
arrangements_afm_idx, payments_debt_idx, payments_instalment_idx, fines_owner_idx), ~1 ms in PostgreSQL; rendered afresh
each time, the page managed ~250-300 req/s here (a profile: socket writes, garbage collection, brotli and the templates).${parts.length ? `\n\n${parts.join('\n\n')}` : ''}`;
}

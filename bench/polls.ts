/**
 * npm run bench -- polls: web votes cast through the citizen's pages as a browser casts them (the
 * check page, then POST /polls/<id>/vote/confirm with the session's CSRF token and the form's
 * one-time submission id): 30 one after another, then 8 bursts of 50 voters confirming at the
 * same moment on one poll. Then the counts are checked against the voters: every vote counted once.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../src/db/knex.ts';
import { insertOptions, tallyOf } from '../src/features/polls/polls.repository.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { ok } from './report.ts';
import { PROXY_HEADERS } from './sign-in.ts';

export const POLL_BARS = { voteP95: 100 };
const CONCURRENT = 50;
const BURSTS = 8;
const VOTERS = CONCURRENT * BURSTS;
/** Voters (beyond VOTERS) who vote one after another first: what one vote costs alone. */
const SEQUENTIAL = 30;
const OPTIONS = 4;
const PASSWORD = 'bench poll voter password 2026';
const CSRF = /name="_csrf" value="([^"]+)"/;

export interface PollsSetup {
  databaseUrl: string;
  pollId: number;
  voters: string[];
}

/** The voters' accounts (made once, kept) and a fresh poll, open now, for this run's votes. */
export async function preparePolls(db: Db, databaseUrl: string): Promise<PollsSetup> {
  await db('rate_limits').delete();
  const voters = Array.from({ length: VOTERS + SEQUENTIAL }, (_v, i) => `pollbench.${i}`);
  const existing = new Set(
    (await db('users').whereLike('username', 'pollbench.%').pluck('username')) as string[],
  );
  const hash = await hashSecret(PASSWORD);
  const missing = voters.filter((username) => !existing.has(username));
  for (let i = 0; i < missing.length; i += 100)
    await db('users').insert(
      missing.slice(i, i + 100).map((username) => ({
        username,
        full_name: `Ψηφοφόρος ${username}`,
        email: `${username}@example.gr`,
        password_hash: hash,
        status: 'active',
        activated_at: new Date(),
      })),
    );
  const now = Date.now();
  const [poll] = (await db('polls')
    .insert({
      question_el: `Ερώτηση μέτρησης ${new Date(now).toISOString()}`,
      question_en: `Bench question ${new Date(now).toISOString()}`,
      opens_at: new Date(now - 3_600_000),
      closes_at: new Date(now + 86_400_000),
      electorate: 'accounts',
      by_phone: false,
      published_at: new Date(now - 7_200_000),
    })
    .returning('id')) as { id: number }[];
  await insertOptions(
    db,
    poll!.id,
    Array.from({ length: OPTIONS }, (_v, i) => ({
      label_el: `Επιλογή ${i + 1}`,
      label_en: `Option ${i + 1}`,
    })),
  );
  return { databaseUrl, pollId: poll!.id, voters };
}

function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

interface Ready {
  cookie: string;
  token: string;
  address: string;
}

/** Signed in from an address of its own (sign-in limits count per address), the poll's form open. */
async function readyToVote(
  base: string,
  username: string,
  n: number,
  pollId: number,
): Promise<Ready> {
  const address = `10.77.${(n >> 8) & 255}.${n & 255}`;
  const headers = { ...PROXY_HEADERS, 'x-forwarded-for': address };
  const form = await fetch(`${base}/login`, { headers });
  const loginToken = CSRF.exec(await form.text())?.[1] ?? '';
  const signIn = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...headers,
      cookie: cookieFrom(form.headers),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      login: username,
      password: PASSWORD,
      _csrf: loginToken,
    }).toString(),
  });
  if (signIn.status !== 303) throw new Error(`sign-in of ${username} answered ${signIn.status}`);
  const cookie = cookieFrom(signIn.headers);
  const page = await fetch(`${base}/polls/${pollId}`, { headers: { ...headers, cookie } });
  const html = await page.text();
  const token = CSRF.exec(html)?.[1];
  if (page.status !== 200 || !token || !html.includes('name="choice"'))
    throw new Error(`/polls/${pollId} for ${username}: ${page.status}, no vote form`);
  return { cookie, token, address };
}

const HIDDEN = /<input type="hidden" name="(_csrf|_submission|version)" value="([^"]*)">/g;

function headersOf(voter: Ready) {
  return {
    ...PROXY_HEADERS,
    'x-forwarded-for': voter.address,
    cookie: voter.cookie,
    'content-type': 'application/x-www-form-urlencoded',
    'accept-encoding': 'gzip, br',
  };
}

/** The choice sent: the check page, with its one-time submission id and the poll's version. */
async function checkStep(base: string, pollId: number, voter: Ready, choice: number) {
  const started = performance.now();
  const check = await fetch(`${base}/polls/${pollId}/vote`, {
    method: 'POST',
    redirect: 'manual',
    headers: headersOf(voter),
    body: new URLSearchParams({ _csrf: voter.token, choice: String(choice) }).toString(),
  });
  const page = await check.text();
  const ms = performance.now() - started;
  const hidden = Object.fromEntries([...page.matchAll(HIDDEN)].map((m) => [m[1]!, m[2]!]));
  if (check.status !== 200 || !hidden.version)
    throw new Error(`the check page answered ${check.status} without the poll's version`);
  return { ms, hidden };
}

/** The confirmation: the vote cast. Its time in ms, or undefined if it was not counted. */
async function castStep(
  base: string,
  pollId: number,
  voter: Ready,
  hidden: Record<string, string>,
  choice: number,
) {
  const started = performance.now();
  const res = await fetch(`${base}/polls/${pollId}/vote/confirm`, {
    method: 'POST',
    redirect: 'manual',
    headers: headersOf(voter),
    body: new URLSearchParams({ ...hidden, choice: String(choice) }).toString(),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  return res.status === 303 ? ms : undefined;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : NaN;

export interface PollsResult {
  votes: number;
  failures: number;
  seconds: number;
  p50: number;
  p95: number;
  max: number;
  /** The step before: the choice sent, the check page back. */
  check: { p50: number; p95: number };
  /** Votes cast one after another before the concurrent run: what one vote costs alone. */
  single: { count: number; p50: number; p95: number };
  sent: number[];
  tally: number[];
  voterRows: number;
  pass: boolean;
}

export async function pollsRun(base: string, setup: PollsSetup): Promise<PollsResult> {
  console.log(`polls: signing in ${setup.voters.length} voters…`);
  const ready: Ready[] = [];
  for (let i = 0; i < setup.voters.length; i += 10)
    ready.push(
      ...(await Promise.all(
        setup.voters
          .slice(i, i + 10)
          .map((username, j) => readyToVote(base, username, i + j, setup.pollId)),
      )),
    );
  const sent = Array<number>(OPTIONS).fill(0);
  let failures = 0;
  console.log('polls: one voter at a time…');
  const single: number[] = [];
  for (let n = VOTERS; n < VOTERS + SEQUENTIAL; n += 1) {
    const { hidden } = await checkStep(base, setup.pollId, ready[n]!, 1);
    const ms = await castStep(base, setup.pollId, ready[n]!, hidden, 1);
    if (ms === undefined) failures += 1;
    else {
      single.push(ms);
      sent[0]! += 1;
    }
  }
  const singleSorted = [...single].sort((a, b) => a - b);
  console.log(
    `  ${single.length} votes, p50 ${percentile(singleSorted, 0.5).toFixed(1)} ms, p95 ${percentile(singleSorted, 0.95).toFixed(1)} ms`,
  );
  console.log(`polls: ${BURSTS} bursts of ${CONCURRENT} voters at once on one poll…`);
  const times: number[] = [];
  const checks: number[] = [];
  const bursts: number[] = [];
  for (let burst = 0; burst < BURSTS; burst += 1) {
    const voters = Array.from({ length: CONCURRENT }, (_v, k) => {
      const n = burst * CONCURRENT + k;
      // Skewed, so a count mixed up between options would show.
      return { voter: ready[n]!, choice: [1, 1, 1, 2, 2, 3, 4][n % 7]! };
    });
    // Each voter has the check page in front of them (its time reported), then all confirm at once.
    const checked: { voter: Ready; choice: number; hidden: Record<string, string> }[] = [];
    for (const { voter, choice } of voters) {
      const { ms, hidden } = await checkStep(base, setup.pollId, voter, choice);
      checks.push(ms);
      checked.push({ voter, choice, hidden });
    }
    const started = performance.now();
    const cast = await Promise.all(
      checked.map(({ voter, choice, hidden }) =>
        castStep(base, setup.pollId, voter, hidden, choice),
      ),
    );
    bursts.push(performance.now() - started);
    cast.forEach((ms, k) => {
      if (ms === undefined) failures += 1;
      else {
        times.push(ms);
        sent[checked[k]!.choice - 1]! += 1;
      }
    });
  }
  const seconds = bursts.reduce((a, b) => a + b, 0) / 1000;
  const db = createDb(setup.databaseUrl, 1);
  const tally = await tallyOf(db, setup.pollId, OPTIONS);
  const voterRows = Number(
    (
      (await db('poll_voters').where({ poll_id: setup.pollId }).count('* as c').first()) as {
        c: string;
      }
    ).c,
  );
  await db.destroy();
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = percentile(sorted, 0.95);
  const checkSorted = [...checks].sort((a, b) => a - b);
  const consistent =
    tally.every((count, i) => count === sent[i]) &&
    voterRows === times.length + single.length &&
    tally.reduce((a, b) => a + b, 0) === voterRows;
  console.log(
    `  ${times.length} votes in ${seconds.toFixed(1)} s, p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms; tally ${tally.join('/')} vs sent ${sent.join('/')}, ${voterRows} voters`,
  );
  return {
    votes: times.length,
    failures,
    seconds,
    p50: percentile(sorted, 0.5),
    p95,
    max: sorted.at(-1) ?? NaN,
    check: { p50: percentile(checkSorted, 0.5), p95: percentile(checkSorted, 0.95) },
    single: {
      count: single.length,
      p50: percentile(singleSorted, 0.5),
      p95: percentile(singleSorted, 0.95),
    },
    sent,
    tally,
    voterRows,
    pass: failures === 0 && consistent && p95 < POLL_BARS.voteP95,
  };
}

/** The scenario's section of docs/PERFORMANCE.md. */
export function pollsSection(result: PollsResult, peakMb: number): string {
  const ms = (value: number) => value.toFixed(0);
  return `## Polls: casting a web vote (bar: p95 < ${POLL_BARS.voteP95} ms with ${CONCURRENT} voters at once on one poll; the counts equal the voters)

${VOTERS} citizens, each signed in with a session of their own, vote in one open poll as a browser does: the choice
sent (\`POST /polls/<id>/vote\`: the check page, uncompressed, with the form's one-time submission id and the poll's
version), then the confirmation (\`POST /polls/<id>/vote/confirm\` with the session's CSRF token and that submission id,
checked once-only in the database). In ${BURSTS} bursts of ${CONCURRENT}: each voter of a burst has their check page, then all ${CONCURRENT} confirm at
the same moment; each confirmation timed by the client from request to the redirect. Each vote is one transaction: the poll
row read FOR SHARE with the digest of its question and options, the account read again, the voter row inserted (its
unique keys refuse a second vote), the option's count incremented in one of the poll's 16 tally shards, picked at random.

| voters at once | votes | failed | p50 ms | p95 ms | slowest ms | votes/s in a burst | bar |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| ${CONCURRENT}, ${BURSTS} times | ${result.votes} | ${result.failures} | ${ms(result.p50)} | ${ms(result.p95)} | ${ms(result.max)} | ${(result.votes / result.seconds).toFixed(0)} | ${ok(result.pass)} (p95 < ${POLL_BARS.voteP95}) |

The step before, the check page (one at a time): p50 ${ms(result.check.p50)} ms, p95 ${ms(result.check.p95)} ms (reported). Before the bursts, ${result.single.count} voters
voted one after another: p50 ${result.single.p50.toFixed(1)} ms, p95 ${result.single.p95.toFixed(1)} ms a vote (reported).

What bounds it: a burst is served at about ${(result.votes / result.seconds).toFixed(0)} votes a second (every vote passes the whole signed-in
pipeline: session, CSRF, the once-only submission, the vote's two statements, the flash), so the last of ${CONCURRENT} waits for the
${CONCURRENT - 1} before it: about ${ms((CONCURRENT * 1000 * result.seconds) / result.votes)} ms. A p95 under ${POLL_BARS.voteP95} ms for ${CONCURRENT} votes sent at the same instant needs
${Math.ceil((CONCURRENT * 1000) / POLL_BARS.voteP95)} or more votes a second, ${((CONCURRENT * 1000) / POLL_BARS.voteP95 / (result.votes / result.seconds)).toFixed(1)} times this, on ${os.cpus().length} cores that the app, PostgreSQL and the load generator share.

Afterwards: votes sent per option ${result.sent.join(' / ')}; the tally reads ${result.tally.join(' / ')}; voter rows: ${result.voterRows}
(${result.tally.every((c, i) => c === result.sent[i]) && result.voterRows === result.votes + result.single.count ? 'every vote counted once' : '**MISMATCH**'}).
Peak RSS of the app process through the scenario: ${peakMb.toFixed(0)} MB (reported).`;
}

/**
 * npm run bench -- certificates: instant certificates issued through the citizen's form (POST
 * /certificates with its CSRF token: the roll read, the PDF drawn with its QR code, sealed
 * PAdES, stored, its email queued), one at a time and by 10 citizens at once, each a verified
 * account of their own on the roll; then the public /verify/<code> under autocannon at 50
 * connections, every request from another client address (the limit is per address) and for
 * another of the certificates just issued, against the bare-server ceiling.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../src/db/knex.ts';
import { selfSignedP12 } from '../src/features/certificates/signing/signer.ts';
import { formatVerificationCode } from '../src/features/certificates/verification-code.ts';
import { VERIFY_LIMIT } from '../src/features/certificates/verify/verify.routes.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { capture, load, startCeiling } from './pages.ts';
import { ok } from './report.ts';
import { PROXY_HEADERS, signInOnce } from './sign-in.ts';

export const CERTIFICATE_BARS = { issueP95: 300, perSecond: 20, verifyP99: 100 };
const CITIZENS = 10;
const PASSWORD = 'bench certificate citizen password 2026';
const SEAL_FILE = '.data/bench-seal.p12';
const SEAL_PASSPHRASE = 'bench seal passphrase';
const CSRF = /name="_csrf" value="([^"]+)"/;

export interface CertificatesSetup {
  databaseUrl: string;
  citizens: string[];
  /** What the app needs to issue in production: a seal (a self-signed one, made once). */
  env: Record<string, string>;
}

/** An AFM with a valid check digit: 8 digits and the 9th they make. */
function afmOf(first8: number): string {
  const digits = String(first8);
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(digits[i]) * 2 ** (8 - i);
  return `${digits}${(sum % 11) % 10}`;
}

/**
 * 10 verified citizens (accounts made afresh), each the head of a family record of their own on
 * the roll (kept from an earlier run), and the seal the production app signs with.
 */
export async function prepareCertificates(db: Db, databaseUrl: string): Promise<CertificatesSetup> {
  if (!existsSync(SEAL_FILE))
    writeFileSync(SEAL_FILE, selfSignedP12('Δήμος (bench)', SEAL_PASSPHRASE), { mode: 0o600 });
  // An earlier run's sign-ins and look-ups from the bench's addresses still count.
  await db('rate_limits').delete();
  const hash = await hashSecret(PASSWORD);
  await db('users').whereLike('username', 'certbench.%').delete();
  const citizens = Array.from({ length: CITIZENS }, (_v, i) => `certbench.${i}`);
  for (const [i, username] of citizens.entries()) {
    const afm = afmOf(31_000_000 + i);
    await db('users').insert({
      username,
      full_name: `Δημότης Πιστοποιητικών ${i}`,
      email: `${username}@example.gr`,
      password_hash: hash,
      status: 'active',
      activated_at: new Date(),
      identity_verified_at: new Date(),
      afm,
    });
    const [record] = (await db('roll_records')
      .insert({
        record_number: `CB-${i}`,
        municipal_unit: 'Αγίου Νικολάου',
        address: `Κονδυλάκη ${i + 1}, 72100 Άγιος Νικόλαος`,
      })
      .onConflict('record_number')
      .merge(['municipal_unit'])
      .returning('id')) as { id: number }[];
    await db('roll_persons')
      .insert({
        source_id: `CERTBENCH-${i}`,
        record_id: record!.id,
        relation: 'head',
        surname: 'Μανωλάκης',
        given_name: `Γιώργος ${i}`,
        father_name: 'Ιωάννης',
        mother_name: 'Ελένη',
        birth_date: '1979-02-03',
        birth_place: 'Άγιος Νικόλαος',
        sex: 'M',
        marital_status: 'married',
        afm,
      })
      .onConflict('source_id')
      .merge(['afm', 'record_id']);
  }
  return {
    databaseUrl,
    citizens,
    env: { CERTIFICATES_P12_PATH: SEAL_FILE, CERTIFICATES_P12_PASSPHRASE: SEAL_PASSPHRASE },
  };
}

interface Citizen {
  cookie: string;
  token: string;
}

/** Signed in, with the session's CSRF token (every signed-in page carries it in its sign-out form). */
async function signedIn(base: string, username: string): Promise<Citizen> {
  const cookie = await signInOnce(base, username, PASSWORD);
  const page = await fetch(`${base}/account`, { headers: { ...PROXY_HEADERS, cookie } });
  const token = CSRF.exec(await page.text())?.[1];
  if (!token) throw new Error(`no CSRF token on /account for ${username} (${page.status})`);
  return { cookie, token };
}

/** One application for an instant certificate through the form; its time in ms, or undefined if refused. */
async function applyOnce(base: string, citizen: Citizen, n: number): Promise<number | undefined> {
  const started = performance.now();
  const res = await fetch(`${base}/certificates`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...PROXY_HEADERS,
      cookie: citizen.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      _csrf: citizen.token,
      type: 'registration',
      subject: 'self',
      delivery: 'email',
      purpose: `Για την υπηρεσία ${n}`,
    }).toString(),
  });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  return res.status === 303 ? ms : undefined;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : NaN;

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

export interface CertificatesResult {
  single: { count: number; p50: number; p95: number; failures: number; seconds: number };
  concurrent: {
    count: number;
    p50: number;
    p95: number;
    failures: number;
    seconds: number;
    perSecond: number;
  };
  verify: {
    codes: number;
    bytes: number;
    encoding: string;
    ceiling: number;
    rps: number;
    p50: number;
    p99: number;
    errors: number;
  };
  pass: { single: boolean; concurrent: boolean; verify: boolean };
}

export async function certificatesRun(
  base: string,
  setup: CertificatesSetup,
  options: { connections: number; duration: number; ceilingPort: number },
): Promise<CertificatesResult> {
  const citizens: Citizen[] = [];
  for (const username of setup.citizens) citizens.push(await signedIn(base, username));
  const probe = await fetch(`${base}/certificates`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...PROXY_HEADERS,
      cookie: citizens[0]!.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      _csrf: citizens[0]!.token,
      type: 'registration',
      subject: 'self',
      delivery: 'email',
    }).toString(),
  });
  if (probe.status !== 303)
    throw new Error(
      `POST /certificates answered ${probe.status}, not a redirect to the issued application`,
    );
  // Warm-up: the seal, the fonts and the templates loaded, the code paths compiled.
  for (let i = 0; i < 5; i += 1) await applyOnce(base, citizens[i % CITIZENS]!, i);

  console.log('certificates: issuing one at a time…');
  const singleTimes: number[] = [];
  let singleFailures = 0;
  const singleStart = performance.now();
  const singleEnd = singleStart + options.duration * 1000;
  for (let n = 0; n < 20 || performance.now() < singleEnd; n += 1) {
    const ms = await applyOnce(base, citizens[n % CITIZENS]!, n);
    if (ms === undefined) singleFailures += 1;
    else singleTimes.push(ms);
  }
  const single = {
    ...summary(singleTimes),
    failures: singleFailures,
    seconds: (performance.now() - singleStart) / 1000,
  };
  console.log(
    `  ${single.count} issued, p50 ${single.p50.toFixed(0)} ms, p95 ${single.p95.toFixed(0)} ms`,
  );

  console.log(`certificates: ${CITIZENS} citizens at once…`);
  const concurrentTimes: number[] = [];
  let concurrentFailures = 0;
  const concurrentStart = performance.now();
  const concurrentEnd = concurrentStart + options.duration * 1000;
  await Promise.all(
    citizens.map(async (citizen, i) => {
      for (let n = 0; performance.now() < concurrentEnd; n += 1) {
        const ms = await applyOnce(base, citizen, 1000 * i + n);
        if (ms === undefined) concurrentFailures += 1;
        else concurrentTimes.push(ms);
      }
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStart) / 1000;
  const concurrent = {
    ...summary(concurrentTimes),
    failures: concurrentFailures,
    seconds: concurrentSeconds,
    perSecond: concurrentTimes.length / concurrentSeconds,
  };
  console.log(
    `  ${concurrent.count} issued in ${concurrentSeconds.toFixed(1)} s: ${concurrent.perSecond.toFixed(1)}/s, p95 ${concurrent.p95.toFixed(0)} ms`,
  );

  const verify = await verifyRun(base, setup, options);
  const pass = {
    single: single.failures === 0 && single.p95 < CERTIFICATE_BARS.issueP95,
    concurrent: concurrent.failures === 0 && concurrent.perSecond >= CERTIFICATE_BARS.perSecond,
    verify: verify.errors === 0 && verify.p99 < CERTIFICATE_BARS.verifyP99,
  };
  return { single, concurrent, verify, pass };
}

/** /verify/<code> of the certificates just issued, each request from another address. */
async function verifyRun(
  base: string,
  setup: CertificatesSetup,
  options: { connections: number; duration: number; ceilingPort: number },
): Promise<CertificatesResult['verify']> {
  const db = createDb(setup.databaseUrl, 1);
  const codes = (await db('certificates as c')
    .join('certificate_applications as a', 'a.id', 'c.application_id')
    .join('users as u', 'u.id', 'a.user_id')
    .whereLike('u.username', 'certbench.%')
    .orderBy('c.id', 'desc')
    .limit(2000)
    .pluck('c.verification_code')) as string[];
  await db.destroy();
  const paths = codes.map((code) => `/verify/${formatVerificationCode(code)}`);
  const address = (n: number) => ({
    'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  });
  const page = await capture(`${base}${paths[0]}`, address(0));
  if (page.status !== 200) throw new Error(`${paths[0]} answered ${page.status}`);
  const bare = await startCeiling({ '/v': page }, '.data/bench-verify.json', options.ceilingPort);
  const ceilingUrl = `http://127.0.0.1:${options.ceilingPort}/v`;
  console.log('verify: ceiling…');
  await load(ceilingUrl, { connections: options.connections, duration: 2 });
  const ceiling = await load(ceilingUrl, options);
  bare.stop();
  console.log('verify: app…');
  const run = {
    ...options,
    distinct: (n: number) => paths[n % paths.length]!,
    headersFor: address,
  };
  await load(`${base}${paths[0]}`, { ...run, duration: 2 });
  const app = await load(`${base}${paths[0]}`, run);
  console.log(
    `  ${app.rps.toFixed(0)} req/s (ceiling ${ceiling.rps.toFixed(0)}), p99 ${app.p99} ms`,
  );
  return {
    ...app,
    codes: paths.length,
    bytes: page.body.length,
    encoding: page.headers['content-encoding'] ?? 'identity',
    ceiling: ceiling.rps,
  };
}

/** The scenario's section of docs/PERFORMANCE.md. */
export function certificatesSection(
  result: CertificatesResult,
  peakMb: number,
  run: { connections: number; duration: number },
): string {
  const { single, concurrent, verify, pass } = result;
  const ms = (value: number) => value.toFixed(0);
  return `## Certificates: issuing and /verify (bars: issuing p95 < ${CERTIFICATE_BARS.issueP95} ms one at a time; at least ${CERTIFICATE_BARS.perSecond} issued/s by ${CITIZENS} citizens at once; /verify/<code> p99 < ${CERTIFICATE_BARS.verifyP99} ms at ${run.connections} connections)

Instant certificates (registration in the roll) applied for through the citizen's form, \`POST /certificates\` with the
session's CSRF token, by ${CITIZENS} verified citizens, each with an account and a family record of their own on the roll. Each
application reads the roll, draws the A4 PDF (tagged, fonts embedded) with its QR code, seals it PAdES with an RSA-2048
key (a PKCS#12 file, as production is configured), stores it and queues the email with it attached, in one transaction;
timed by the client from request to the redirect.

| run | issued | failed | p50 ms | p95 ms | per second | bar |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
| one at a time, ${single.seconds.toFixed(0)} s | ${single.count} | ${single.failures} | ${ms(single.p50)} | ${ms(single.p95)} | ${(single.count / single.seconds).toFixed(1)} | ${ok(pass.single)} (p95 < ${CERTIFICATE_BARS.issueP95}) |
| ${CITIZENS} citizens at once, ${concurrent.seconds.toFixed(0)} s | ${concurrent.count} | ${concurrent.failures} | ${ms(concurrent.p50)} | ${ms(concurrent.p95)} | ${concurrent.perSecond.toFixed(1)} | ${ok(pass.concurrent)} (≥ ${CERTIFICATE_BARS.perSecond}/s) |

\`/verify/<code>\` for the ${verify.codes.toLocaleString('en')} certificates just issued, a different one each request, each request from another
client address (X-Forwarded-For: the limit is ${VERIFY_LIMIT.limit} look-ups per address an hour, counted in the app's memory), no cookie:
autocannon, ${run.connections} connections, ${run.duration} s after a 2 s warm-up; the ceiling is the bare server answering with the bytes
the app sent for the first code.

| page | bytes sent | ceiling req/s | app req/s | p50 ms | p99 ms | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| /verify/<code> (state, type, dates, masked holder, SHA-256, seal) | ${verify.bytes.toLocaleString('en')} ${verify.encoding} | ${verify.ceiling.toFixed(0)} | ${verify.rps.toFixed(0)} | ${verify.p50} | ${verify.p99} | ${verify.errors} | ${ok(pass.verify)} (p99 < ${CERTIFICATE_BARS.verifyP99}) |

Each look-up reads the certificate by its unique verification code (and its type by its key) and is answered with the page
rendered before for the same code, language and content, kept compressed in the content cache (a revocation or an expiry
changes the content, so a kept page is never stale); no session is read or made (the module's \`publicForms\`), nothing is
written. Peak RSS of the app process through the scenario: ${peakMb.toFixed(0)} MB (reported).`;
}

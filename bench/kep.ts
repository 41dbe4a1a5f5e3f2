/**
 * npm run bench -- kep: the ΚΕΠ's booking pages with 20 clerks and 5,000 booked appointments over
 * the horizon. Citizens come signed in with TaxisNet: their sessions are written to the session
 * table as a TaxisNet sign-in leaves them (production talks to GSIS only over https, which the
 * bench cannot stand in for), and their cookies are signed with the bench's SESSION_SECRET.
 * Measured: the free days and free times pages at 50 connections, then the 200-way race for one
 * slot (200 citizens confirming the same time at once): exactly one appointment, no 5xx.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/knex.ts';
import { athensInstant } from '../src/lib/athens-time.ts';
import { addDays } from '../src/lib/dates.ts';
import { athensDate } from '../src/lib/format.ts';
import { isWorkingDay } from '../src/lib/working-days.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { load } from './pages.ts';
import { ok } from './report.ts';
import { afmFrom } from '../test/helpers/staff.ts';
import { PROXY_HEADERS } from './sign-in.ts';

export const KEP_BARS = { pagesP99: 100, raceP99: 300 };
const CLERKS = 20;
const APPOINTMENTS = 5_000;
const RACERS = 200;
const AREA = 'information-applications';
/** Each clerk's weekday: two rows, a break between. */
const HOURS = [
  { starts: '08:00', ends: '12:00' },
  { starts: '12:30', ends: '16:00' },
];

export interface KepSetup {
  areaId: number;
  /** Signed in with TaxisNet: cookie headers, one per citizen. */
  cookies: string[];
  /** The race's clerk-of-one area and its slot. */
  race: { areaId: number; day: string; time: string };
  booked: number;
  days: string[];
}

/** An AFM with a valid check digit from an 8-digit number. */
const afmOf = (n: number) => afmFrom(String(n).padStart(8, '0'));

/** The cookie express-session reads for a session id (cookie-signature's HMAC-SHA256). */
function signedCookie(sid: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `sid=${encodeURIComponent(`s:${sid}.${mac}`)}`;
}

async function clerkIds(db: Db, prefix: string, count: number): Promise<number[]> {
  const usernames = Array.from({ length: count }, (_v, i) => `${prefix}.${i}`);
  const existing = (await db('users').whereIn('username', usernames).pluck('username')) as string[];
  const missing = usernames.filter((u) => !existing.includes(u));
  const hash = missing.length ? await hashSecret('kep bench clerk password 2026') : '';
  if (missing.length)
    await db('users').insert(
      missing.map((username) => ({
        username,
        password_hash: hash,
        full_name: `Υπάλληλος ${username}`,
        email: `${username}@example.gov.gr`,
        status: 'active',
        roles: ['clerk'],
        activated_at: new Date(),
      })),
    );
  const rows = (await db('users').whereIn('username', usernames).select('id', 'username')) as {
    id: number;
    username: string;
  }[];
  return usernames.map((u) => rows.find((r) => r.username === u)!.id);
}

/**
 * Clerks, their hours and the booked appointments (made afresh each run), citizens signed in with
 * TaxisNet, and an area of its own with one clerk for the race.
 */
export async function prepareKep(db: Db, sessionSecret: string): Promise<KepSetup> {
  await db('rate_limits').delete();
  await db.raw(
    // CASCADE: the call's tables (guests, joins, logs, results) refer to the appointments too.
    'TRUNCATE kep_mail_files, kep_manage_tokens, kep_documents, kep_appointments, kep_absences, kep_closures CASCADE',
  );
  await db('kep_clerk_areas').delete();
  await db('kep_clerk_hours').delete();
  const area = (await db('kep_areas').where({ slug: AREA }).first('id', 'minutes')) as {
    id: number;
    minutes: number;
  };
  const clerks = await clerkIds(db, 'kepbench.clerk', CLERKS);
  await db('kep_clerk_areas').insert(clerks.map((id) => ({ clerk_id: id, area_id: area.id })));
  await db('kep_clerk_hours').insert(
    clerks.flatMap((id) =>
      [1, 2, 3, 4, 5].flatMap((weekday) => HOURS.map((h) => ({ clerk_id: id, weekday, ...h }))),
    ),
  );
  // The slots the pages will offer (buffer from the default settings: 10 minutes).
  const buffer = 10;
  const step = (area.minutes + buffer) * 60_000;
  const today = athensDate(new Date());
  const days: string[] = [];
  for (let d = 2; d <= 30; d += 1) {
    const day = addDays(today, d);
    if (isWorkingDay(day)) days.push(day);
  }
  const slots: { clerk: number; start: number }[] = [];
  for (const day of days)
    for (const clerk of clerks)
      for (const row of HOURS) {
        const end = athensInstant(day, row.ends).getTime();
        for (
          let t = athensInstant(day, row.starts).getTime();
          t + area.minutes * 60_000 <= end;
          t += step
        )
          slots.push({ clerk, start: t });
      }
  // 5,000 of the slots booked, spread evenly over the days and clerks.
  const share = Math.min(1, APPOINTMENTS / slots.length);
  const chosen = slots
    .filter((_s, i) => Math.floor((i + 1) * share) > Math.floor(i * share))
    .slice(0, APPOINTMENTS);
  const year = today.slice(0, 4);
  for (let i = 0; i < chosen.length; i += 500)
    await db.raw(
      `INSERT INTO kep_appointments (reference, area_id, clerk_id, afm, full_name, email, starts_at,
         ends_at, buffered, room)
       SELECT 'ΚΕΠ-' || ?::text || '-' || lpad(nextval('kep_appointment_numbers')::text, 6, '0'), ?,
         s.clerk, s.afm, 'Δημότης μέτρησης', 'kepbench@example.gr', s.starts, s.ends,
         tstzrange(s.starts, s.ends + make_interval(mins => ?)), 'kepbench-' || md5(random()::text)
       FROM jsonb_to_recordset(?::jsonb) AS s(clerk int, afm text, starts timestamptz, ends timestamptz)`,
      [
        year,
        area.id,
        buffer,
        JSON.stringify(
          chosen.slice(i, i + 500).map((s, j) => ({
            clerk: s.clerk,
            afm: afmOf(30_000_000 + i + j),
            starts: new Date(s.start).toISOString(),
            ends: new Date(s.start + area.minutes * 60_000).toISOString(),
          })),
        ),
      ],
    );
  // The race: an area served by one clerk of its own, one slot.
  const raceArea = (await db('kep_areas').where({ slug: 'businesses' }).first('id')) as {
    id: number;
  };
  const [raceClerk] = await clerkIds(db, 'kepbench.raceclerk', 1);
  await db('kep_clerk_areas').insert({ clerk_id: raceClerk, area_id: raceArea.id });
  await db('kep_clerk_hours').insert(
    [1, 2, 3, 4, 5].map((weekday) => ({
      clerk_id: raceClerk,
      weekday,
      starts: '09:00',
      ends: '10:00',
    })),
  );
  // Citizens signed in with TaxisNet: one account each, its session written as the sign-in does.
  const citizens = Array.from({ length: RACERS }, (_v, i) => afmOf(40_000_000 + i));
  const existing = new Set(
    (await db('users').whereIn('taxisnet_afm', citizens).pluck('taxisnet_afm')) as string[],
  );
  const missing = citizens.filter((afm) => !existing.has(afm));
  if (missing.length)
    await db('users').insert(
      missing.map((afm) => ({
        username: null,
        full_name: `ΔΗΜΟΤΗΣ ${afm}`,
        email: `kepbench.${afm}@example.gr`,
        status: 'active',
        taxisnet_afm: afm,
        taxisnet_linked_at: new Date(),
        activated_at: new Date(),
      })),
    );
  const users = (await db('users')
    .whereIn('taxisnet_afm', citizens)
    .select('id', 'credential_version')) as {
    id: number;
    credential_version: number;
  }[];
  const now = Date.now();
  const expires = new Date(now + 6 * 3_600_000);
  const sessions = users.map((u) => ({
    sid: randomBytes(24).toString('base64url'),
    sess: {
      cookie: {
        originalMaxAge: 6 * 3_600_000,
        expires: expires.toISOString(),
        secure: true,
        httpOnly: true,
        path: '/',
        sameSite: 'lax',
      },
      passport: { user: u.id },
      signedInWith: 'taxisnet',
      signedInAt: now,
      lastSeen: now,
      credentialVersion: u.credential_version,
    },
    expire: expires,
  }));
  await db('session').insert(sessions);
  const booked = Number(
    ((await db('kep_appointments').count('* as c').first()) as { c: string }).c,
  );
  return {
    areaId: area.id,
    cookies: sessions.map((s) => signedCookie(s.sid, sessionSecret)),
    race: { areaId: raceArea.id, day: days[3]!, time: '09:00' },
    booked,
    days,
  };
}

/** Writes the booking draft into each session, as the steps before the measured page leave it. */
async function setDrafts(db: Db, sids: string[], draft: Record<string, unknown>): Promise<void> {
  await db('session')
    .whereIn('sid', sids)
    .update({
      sess: db.raw(`jsonb_set(sess::jsonb, '{kepBooking}', ?::jsonb)::json`, [
        JSON.stringify(draft),
      ]),
    });
}

export interface KepResult {
  days: { rps: number; p50: number; p99: number; errors: number; freeDays: number };
  times: { rps: number; p50: number; p99: number; errors: number; freeTimes: number };
  race: {
    booked: number;
    taken: number;
    other: Record<string, number>;
    p50: number;
    p99: number;
    maxMs: number;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/**
 * The free days page (/kep/book/day) and the free times page (/kep/book/time) of the busy area,
 * each request as the next signed-in citizen; then the race: every citizen at the check page
 * of one slot of the one-clerk area, then all confirming at once.
 */
export async function kepRun(
  base: string,
  db: Db,
  setup: KepSetup,
  options: { connections: number; duration: number },
): Promise<KepResult> {
  const sids = setup.cookies.map((c) => decodeURIComponent(c.slice(4)).slice(2).split('.')[0]!);
  const headersFor = (n: number) => ({
    ...PROXY_HEADERS,
    cookie: setup.cookies[n % setup.cookies.length]!,
  });
  // A day in the middle of the horizon: its free times are what is left of 20 clerks' day.
  const day = setup.days[Math.floor(setup.days.length / 2)]!;
  await setDrafts(db, sids, { areaId: setup.areaId, day });
  const check = async (path: string, pattern: RegExp) => {
    const res = await fetch(`${base}${path}`, { headers: headersFor(0), redirect: 'manual' });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return (html.match(pattern) ?? []).length;
  };
  const freeDays = await check('/kep/book/day', /name="day"/g);
  const freeTimes = await check('/kep/book/time', /name="time"/g);
  console.log(`kep: ${freeDays} free days, ${freeTimes} free times on ${day}`);
  await load(`${base}/kep/book/day`, { ...options, duration: 2, headersFor });
  const days = await load(`${base}/kep/book/day`, { ...options, headersFor });
  console.log(`  free days: ${days.rps.toFixed(0)} req/s, p99 ${days.p99} ms`);
  const times = await load(`${base}/kep/book/time`, { ...options, headersFor });
  console.log(`  free times: ${times.rps.toFixed(0)} req/s, p99 ${times.p99} ms`);

  // The race: each citizen's draft at the check page of the same slot.
  const start = athensInstant(setup.race.day, setup.race.time).toISOString();
  await setDrafts(db, sids, {
    areaId: setup.race.areaId,
    day: setup.race.day,
    start,
    details: {
      fullName: 'Δημότης μέτρησης',
      email: 'kepbench@example.gr',
      phone: '',
      postalAddress: '',
      delivery: 'email',
      signLanguage: false,
      lipReading: false,
      needsOther: false,
      otherText: '',
    },
    files: [],
  });
  const forms = await Promise.all(
    setup.cookies.map(async (signedIn) => {
      let cookie = signedIn;
      const res = await fetch(`${base}/kep/book/check`, { headers: { ...PROXY_HEADERS, cookie } });
      const html = await res.text();
      // The confirm form's hidden fields (the header's sign-out form has its own).
      const form = /<form[^>]*action="\/kep\/book\/confirm"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
      const fields = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
      const renewed = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
      if (renewed.length)
        cookie = [...(renewed.some((c) => c.startsWith('sid=')) ? [] : [cookie]), ...renewed].join(
          '; ',
        );
      if (res.status !== 200 || !fields.length)
        throw new Error(`/kep/book/check answered ${res.status}`);
      return { cookie, body: new URLSearchParams(fields.map((f) => [f[1]!, f[2]!])).toString() };
    }),
  );
  const outcomes = await Promise.all(
    forms.map(async ({ cookie, body }) => {
      const began = performance.now();
      const res = await fetch(`${base}/kep/book/confirm`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...PROXY_HEADERS, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const text = await res.text();
      if (res.status === 403 || res.status >= 500)
        console.log(`  confirm ${res.status}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
      return { status: res.status, ms: performance.now() - began };
    }),
  );
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const other: Record<string, number> = {};
  for (const o of outcomes)
    if (o.status !== 303 && o.status !== 200 && o.status !== 409)
      other[o.status] = (other[o.status] ?? 0) + 1;
  const booked = Number(
    (
      (await db('kep_appointments')
        .where({ area_id: setup.race.areaId, starts_at: new Date(start) })
        .count('* as c')
        .first()) as { c: string }
    ).c,
  );
  const race = {
    booked,
    taken: outcomes.filter((o) => o.status === 409).length,
    other,
    p50: Math.round(percentile(ms, 50)),
    p99: Math.round(percentile(ms, 99)),
    maxMs: Math.round(ms[ms.length - 1] ?? 0),
  };
  console.log(
    `  race: ${race.booked} booked, ${race.taken} taken, p99 ${race.p99} ms, other ${JSON.stringify(other)}`,
  );
  return { days: { ...days, freeDays }, times: { ...times, freeTimes }, race };
}

export function kepPasses(result: KepResult): boolean {
  return (
    result.days.errors === 0 &&
    result.times.errors === 0 &&
    result.days.p99 < KEP_BARS.pagesP99 &&
    result.times.p99 < KEP_BARS.pagesP99 &&
    result.race.booked === 1 &&
    result.race.taken === RACERS - 1 &&
    Object.keys(result.race.other).length === 0 &&
    result.race.p99 < KEP_BARS.raceP99
  );
}

export function kepSection(
  setup: KepSetup,
  result: KepResult,
  peakMb: number,
  run: { connections: number; duration: number },
): string {
  const pages = (p: { errors: number; p99: number }) => p.errors === 0 && p.p99 < KEP_BARS.pagesP99;
  const race = result.race;
  const raceOk =
    race.booked === 1 &&
    race.taken === RACERS - 1 &&
    Object.keys(race.other).length === 0 &&
    race.p99 < KEP_BARS.raceP99;
  return `## ΚΕΠ video appointments (bars: free days and free times p99 < ${KEP_BARS.pagesP99} ms at ${run.connections} connections; the ${RACERS}-way race p99 < ${KEP_BARS.raceP99} ms, one appointment)

${CLERKS} clerks of one area (20-minute appointments, a 10-minute buffer, weekdays 08:00–12:00 and 12:30–16:00) with
${setup.booked.toLocaleString('en')} booked appointments over the ${setup.days.length} working days of the horizon; ${RACERS} citizens signed in with TaxisNet
(their sessions written as the sign-in leaves them, each with the booking draft the earlier steps leave). autocannon,
${run.connections} connections, ${run.duration} s after a 2 s warm-up, each request as the next citizen.

| page | free shown | req/s | p50 ms | p99 ms | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
| /kep/book/day (free days over the horizon) | ${result.days.freeDays} days | ${result.days.rps.toFixed(0)} | ${result.days.p50} | ${result.days.p99} | ${result.days.errors} | ${ok(pages(result.days))} |
| /kep/book/time (free times of a day) | ${result.times.freeTimes} times | ${result.times.rps.toFixed(0)} | ${result.times.p50} | ${result.times.p99} | ${result.times.errors} | ${ok(pages(result.times))} |

The race: ${RACERS} citizens at the check page of the same time of an area with one clerk, all posting "confirm" at once:
**${race.booked} appointment**, ${race.taken} answered 409 "this time was just taken" with the next free times,
${Object.keys(race.other).length ? `others: ${JSON.stringify(race.other)}` : 'no other answers (no 5xx)'}; latency p50 ${race.p50} ms, p99 **${race.p99} ms**
(slowest ${race.maxMs} ms): ${ok(raceOk)}. Peak RSS: ${peakMb.toFixed(0)} MB.
The free days and times are kept in the work cache for the minute they were worked out in, emptied by NOTIFY when a ΚΕΠ
table changes (worked out afresh: ~14 ms of SQL and ~5 ms of slot arithmetic for this area). The race is bound by one
Node process and a pool of 10 connections: each confirm writes its once-only submission id and the rate limit, runs the
booking transaction and renders its page.`;
}

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
import { load } from './pages.ts';
import { ok } from './report.ts';
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
function afmOf(n: number): string {
  const digits = String(n).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(digits[i]) * 2 ** (8 - i);
  return `${digits}${(sum % 11) % 10}`;
}

/** The cookie express-session reads for a session id (cookie-signature's HMAC-SHA256). */
function signedCookie(sid: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `sid=${encodeURIComponent(`s:${sid}.${mac}`)}`;
}

async function clerkIds(db: Db, prefix: string, count: number): Promise<number[]> {
  const usernames = Array.from({ length: count }, (_v, i) => `${prefix}.${i}`);
  const existing = (await db('users').whereIn('username', usernames).pluck('username')) as string[];
  const missing = usernames.filter((u) => !existing.includes(u));
  if (missing.length)
    await db('users').insert(
      missing.map((username) => ({
        username,
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
    'TRUNCATE kep_manage_tokens, kep_documents, kep_appointments, kep_absences, kep_closures',
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
  // Every other slot or so booked, spread over the days and clerks, until 5,000.
  const every = Math.max(1, Math.floor(slots.length / APPOINTMENTS));
  const chosen = slots.filter((_s, i) => i % every === 0).slice(0, APPOINTMENTS);
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

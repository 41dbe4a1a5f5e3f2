import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { athensInstant } from '../../lib/athens-time.ts';
import { addDays } from '../../lib/dates.ts';
import { athensDate } from '../../lib/format.ts';
import { isWorkingDay } from '../../lib/working-days.ts';
import type { DemoAccount, DemoContext } from '../module.ts';

export const DEMO_KEP_MANAGER: DemoAccount = {
  role: 'kep_manager',
  username: 'demo.kepmanager',
  password: 'Video-Counter-Calendar-Desk-2026',
  fullName: 'Αργυρώ Τζανάκη',
  email: 'demo.kepmanager@example.gov.gr',
  phone: null,
  // A ΚΕΠ manager is a clerk too: the schedule (/staff/kep) is the clerks' section.
  roles: ['kep_manager', 'clerk'],
};

/** The demo clerk's ΚΕΠ week: Monday to Friday, with a break at half past eleven. */
const DEMO_HOURS = [
  { starts: '08:30', ends: '11:30' },
  { starts: '12:00', ends: '14:30' },
];

/** The buffer stored after each demo appointment (the setting's default). */
const DEMO_BUFFER_MINUTES = 10;

/**
 * Booked appointments with demo.clerk on the coming working days, each on one of the clerk's
 * slots (08:30 onwards, an appointment and a buffer apart): demo.verified's (the TaxisNet
 * stand-in's first taxpayer, so signing in shows it), and two of other stand-in taxpayers, one
 * with accessibility needs, so the clerk's schedule is not empty.
 */
const DEMO_APPOINTMENTS = [
  {
    who: 'demo.verified',
    afm: '102938470',
    workingDay: 1,
    time: '10:00',
    area: 'information-applications',
    needs: {},
  },
  {
    who: 'Ειρήνη Σταυρακάκη',
    afm: '135724681',
    workingDay: 1,
    time: '12:00',
    area: 'disability',
    needs: { needs_sign_language: true, needs_other: 'Θα συνδεθεί με τη βοήθεια συγγενή.' },
  },
  {
    who: 'Μιχαήλ Χατζηδάκης',
    afm: '120693840',
    workingDay: 2,
    time: '12:00',
    area: 'businesses',
    needs: {},
  },
] as const;

/**
 * The ΚΕΠ's demo: demo.clerk serves every area on weekdays, so a citizen signed in with the
 * TaxisNet stand-in finds free times on `npm start`, and has a few appointments booked. Only
 * while no clerk has ΚΕΠ hours.
 */
export async function seedDemoKep(db: Knex, context: DemoContext): Promise<boolean> {
  const existing = await db('kep_clerk_hours').count<{ count: string }[]>('* as count').first();
  if (Number(existing?.count ?? 0) > 0) return false;
  const clerk = await db('users')
    .where({ username: 'demo.clerk' })
    .first<{ id: number } | undefined>('id');
  if (!clerk) return false;
  await db.transaction(async (trx) => {
    const areas = await trx('kep_areas').select<{ id: number }[]>('id');
    await trx('kep_clerk_areas').insert(areas.map((a) => ({ clerk_id: clerk.id, area_id: a.id })));
    await trx('kep_clerk_hours').insert(
      [1, 2, 3, 4, 5].flatMap((weekday) =>
        DEMO_HOURS.map((h) => ({ clerk_id: clerk.id, weekday, ...h })),
      ),
    );
    await seedDemoAppointments(trx, clerk.id, context.today);
  });
  return true;
}

/** The n-th working day after today (Athens), public holidays skipped. */
function workingDayAfter(today: string, n: number): string {
  let day = today;
  for (let left = n; left > 0;) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) left -= 1;
  }
  return day;
}

async function seedDemoAppointments(trx: Knex.Transaction, clerkId: number, now: Date) {
  const today = athensDate(now);
  const verified = await trx('users')
    .where({ username: 'demo.verified' })
    .first<{ id: number; full_name: string; email: string } | undefined>(
      'id',
      'full_name',
      'email',
    );
  const areas = new Map(
    (
      await trx('kep_areas').select<{ id: number; slug: string; minutes: number }[]>(
        'id',
        'slug',
        'minutes',
      )
    ).map((a) => [a.slug, a]),
  );
  for (const demo of DEMO_APPOINTMENTS) {
    const area = areas.get(demo.area);
    const own = demo.who === 'demo.verified';
    if (!area || (own && !verified)) continue;
    const start = athensInstant(workingDayAfter(today, demo.workingDay), demo.time);
    const end = new Date(start.getTime() + area.minutes * 60_000);
    const fullName = own ? verified!.full_name : demo.who;
    await insertDemoAppointment(trx, {
      areaId: area.id,
      clerkId,
      citizenId: own ? verified!.id : null,
      afm: demo.afm,
      fullName,
      email: own ? verified!.email : `demo.${demo.afm}@example.gr`,
      start,
      end,
      bufferMinutes: DEMO_BUFFER_MINUTES,
      needsSignLanguage:
        'needs_sign_language' in demo.needs ? demo.needs.needs_sign_language : false,
      needsOther: 'needs_other' in demo.needs ? demo.needs.needs_other : null,
      lang: 'el',
      now,
    });
  }
}

/** A demo appointment as the seed and the development's demo call make it (no booking rules). */
export async function insertDemoAppointment(
  conn: Knex | Knex.Transaction,
  a: {
    areaId: number;
    clerkId: number;
    citizenId: number | null;
    afm: string;
    fullName: string;
    email: string;
    start: Date;
    end: Date;
    bufferMinutes: number;
    needsSignLanguage?: boolean;
    needsOther?: string | null;
    lang: 'el' | 'en';
    now: Date;
  },
): Promise<{ id: number; starts_at: Date }> {
  const inserted = (await conn.raw(
    `INSERT INTO kep_appointments (reference, area_id, clerk_id, citizen_id, afm, full_name,
       email, starts_at, ends_at, buffered, delivery, needs_sign_language, needs_other, lang,
       room, created_at, updated_at)
     VALUES ('ΚΕΠ-' || ?::text || '-' || lpad(nextval('kep_appointment_numbers')::text, 6, '0'),
       ?, ?, ?, ?, ?, ?, ?, ?, tstzrange(?, ?), 'email', ?, ?, ?, ?, ?, ?)
     RETURNING id, starts_at`,
    [
      athensDate(a.now).slice(0, 4),
      a.areaId,
      a.clerkId,
      a.citizenId,
      a.afm,
      a.fullName,
      a.email,
      a.start,
      a.end,
      a.start,
      new Date(a.end.getTime() + a.bufferMinutes * 60_000),
      a.needsSignLanguage ?? false,
      a.needsOther ?? null,
      a.lang,
      `kep-demo-${randomBytes(18).toString('base64url')}`,
      a.now,
      a.now,
    ],
  )) as { rows: { id: number; starts_at: Date }[] };
  return inserted.rows[0]!;
}

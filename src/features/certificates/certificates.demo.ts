import type { Knex } from 'knex';
import { athensDate } from '../../lib/format.ts';
import { addDays } from '../../lib/dates.ts';
import { addWorkingDays, isWorkingDay } from '../../lib/working-days.ts';
import type { DemoContext } from '../module.ts';
import {
  fullNameOf,
  personByAfm,
  recordWithMembers,
  type RollPerson,
} from '../roll/roll.repository.ts';
import {
  addEvent,
  nextNumber,
  type DeliveryMethod,
  type EventKind,
} from './certificates.repository.ts';

/** demo.verified, on the demo roll as the head of record 1203 (roll.demo.ts loads it first). */
const DEMO_APPLICANT = { username: 'demo.verified', afm: '102938470' };
const DEMO_CLERK = 'demo.clerk';

interface DemoApplication {
  type: string;
  subject: 'self' | 'spouse';
  delivery: DeliveryMethod;
  purpose: string | null;
  /** Working days before today it was submitted. */
  submittedDaysAgo: number;
  status: 'submitted' | 'in_progress';
}

/**
 * What demo.clerk finds in the queue: a family-status certificate just asked for, a residence
 * certificate in progress, and one for the spouse that is past its deadline.
 */
const APPLICATIONS: readonly DemoApplication[] = [
  {
    type: 'family_status',
    subject: 'self',
    delivery: 'email',
    purpose: 'Για το επίδομα παιδιών',
    submittedDaysAgo: 0,
    status: 'submitted',
  },
  {
    type: 'residence',
    subject: 'self',
    delivery: 'post',
    purpose: 'Για την ΑΑΔΕ',
    submittedDaysAgo: 2,
    status: 'in_progress',
  },
  {
    type: 'family_status',
    subject: 'spouse',
    delivery: 'pickup',
    purpose: null,
    submittedDaysAgo: 6,
    status: 'submitted',
  },
];

/** Working days back from a day (weekends and public holidays skipped), as an ISO date. */
function workingDaysBefore(iso: string, count: number): string {
  let day = iso;
  for (let left = count; left > 0;) {
    day = addDays(day, -1);
    if (isWorkingDay(day)) left -= 1;
  }
  return day;
}

/**
 * A few certificate applications by the demo verified citizen, straight into the tables (no
 * email, no document): only while there are none, and only when the demo roll has the citizen.
 */
export async function seedDemoCertificates(db: Knex, context: DemoContext): Promise<boolean> {
  const existing = await db('certificate_applications')
    .count<{ count: string }[]>('* as count')
    .first();
  if (Number(existing?.count ?? 0) > 0) return false;
  const user = await db('users')
    .where({ username: DEMO_APPLICANT.username })
    .first<{ id: number; lang: string } | undefined>('id', 'lang');
  const own = await personByAfm(db, DEMO_APPLICANT.afm);
  if (!user || !own) return false;
  const family = await recordWithMembers(db, own.record_id);
  const spouse = family?.members.find((m) => m.relation === 'spouse' && !m.struck_off_on);
  const clerk = await db('users')
    .where({ username: DEMO_CLERK })
    .first<{ id: number } | undefined>('id');
  const types = new Map(
    (
      await db('certificate_types').select<{ code: string; deadline_days: number }[]>(
        'code',
        'deadline_days',
      )
    ).map((t) => [t.code, t]),
  );
  const today = athensDate(context.today);
  const year = Number(today.slice(0, 4));
  await db.transaction(async (trx) => {
    for (const demo of APPLICATIONS) {
      const type = types.get(demo.type);
      const subject: RollPerson | undefined = demo.subject === 'self' ? own : spouse;
      if (!type || !subject) continue;
      const submittedOn = workingDaysBefore(today, demo.submittedDaysAgo);
      // 09:00 in Athens (winter) on the day it was submitted, and never later than now.
      const submittedAt = new Date(
        Math.min(
          new Date(`${submittedOn}T07:00:00Z`).getTime(),
          context.today.getTime() - 60 * 60 * 1000,
        ),
      );
      const reference = `CRT-${year}-${String(await nextNumber(trx, 'application', year)).padStart(6, '0')}`;
      const [row] = (await trx('certificate_applications')
        .insert({
          reference,
          user_id: user.id,
          type_code: demo.type,
          subject_person_id: subject.id,
          applicant_person_id: own.id,
          subject_afm: subject.afm,
          subject_name: fullNameOf(subject),
          purpose: demo.purpose,
          delivery: demo.delivery,
          post_address:
            demo.delivery === 'post' ? (family?.record.address ?? 'Άγιος Νικόλαος') : null,
          lang: user.lang === 'en' ? 'en' : 'el',
          status: demo.status,
          deadline: addWorkingDays(submittedOn, type.deadline_days),
          handled_by: demo.status === 'in_progress' ? (clerk?.id ?? null) : null,
          created_at: submittedAt,
          updated_at: submittedAt,
        })
        .returning('id')) as { id: number }[];
      const events: [EventKind, number | null][] = [['submitted', user.id]];
      if (demo.status === 'in_progress') events.push(['in_progress', clerk?.id ?? null]);
      for (const [kind, actor] of events) await addEvent(trx, row!.id, kind, actor);
      await trx('certificate_events')
        .where({ application_id: row!.id })
        .update({ at: submittedAt });
    }
  });
  return true;
}

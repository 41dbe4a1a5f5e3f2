import type { Knex } from 'knex';
import type { DemoAccount, DemoContext } from '../module.ts';

export const DEMO_KEP_MANAGER: DemoAccount = {
  role: 'kep_manager',
  username: 'demo.kepmanager',
  password: 'Video-Counter-Calendar-Desk-2026',
  fullName: 'Αργυρώ Τζανάκη',
  email: 'demo.kepmanager@example.gov.gr',
  phone: null,
  roles: ['kep_manager'],
};

/** The demo clerk's ΚΕΠ week: Monday to Friday, with a break at half past eleven. */
const DEMO_HOURS = [
  { starts: '08:30', ends: '11:30' },
  { starts: '12:00', ends: '14:30' },
];

/**
 * The ΚΕΠ's demo: demo.clerk serves every area on weekdays, so a citizen signed in with the
 * TaxisNet stand-in finds free times on `npm start`. Only while no clerk has ΚΕΠ hours.
 */
export async function seedDemoKep(db: Knex, _context: DemoContext): Promise<boolean> {
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
  });
  return true;
}

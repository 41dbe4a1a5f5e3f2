import type { Knex } from 'knex';
import { createActiveUser } from './accounts.ts';
import { afmFrom } from './staff.ts';

/** Fresh AFMs with valid check digits, counting up from `start` (8 digits): one maker per file. */
export function afmMaker(start: number): () => string {
  let count = start;
  return () => {
    count += 1;
    return afmFrom(String(count));
  };
}

/**
 * Clerks of the area, Monday to Friday 09:00–11:00 and 11:30–15:00 (a break between): their ids,
 * ascending. `prefix` names them apart from other files' clerks.
 */
export function clerkMaker(
  prefix: string,
): (db: Knex, areaId: number, count: number) => Promise<number[]> {
  let made = 0;
  return async (db, areaId, count) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i += 1) {
      made += 1;
      const { id } = await createActiveUser(db, `${prefix}-${made}`, { roles: ['clerk'] });
      await db('kep_clerk_areas').insert({ clerk_id: id, area_id: areaId });
      await db('kep_clerk_hours').insert(
        [1, 2, 3, 4, 5].flatMap((weekday) => [
          { clerk_id: id, weekday, starts: '09:00', ends: '11:00' },
          { clerk_id: id, weekday, starts: '11:30', ends: '15:00' },
        ]),
      );
      ids.push(id);
    }
    return ids;
  };
}

/** Waits until a query of this database waits on a lock (one transaction blocked by another). */
export async function untilWaitingOnALock(db: Knex): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const { rows } = (await db.raw(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )) as { rows: { n: number }[] };
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no query waited on a lock');
}

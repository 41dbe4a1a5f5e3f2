import type { Db } from '../../db/knex.ts';

/** Resolves when the database answers a query; throws when it cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.raw('select 1');
}

import type { Knex } from 'knex';
import { healthServices } from '../../../seeds/demo/health.ts';

/** The municipality's health services; only into an empty table. */
export async function seedDemoHealthServices(db: Knex): Promise<boolean> {
  const existing = (await db('health_services').count({ n: '*' }).first()) as
    { n: number } | undefined;
  if (Number(existing?.n ?? 0) > 0) return false;
  await db('health_services').insert(
    healthServices.map((h, position) => ({ ...h, position, status: 'published' })),
  );
  return true;
}

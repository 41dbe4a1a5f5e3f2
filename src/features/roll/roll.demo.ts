import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { DemoContext } from '../module.ts';
import { runRollImport } from './imports/roll-run.ts';
import { createRollImport } from './imports/roll-imports.service.ts';

/**
 * Loads seeds/roll/roll.csv (Windows-1253, `;`, as the registry system exports it) through the
 * same import the admins use, so the demo shows it at /staff/roll too. Only while the roll and
 * its imports are empty: real data is never touched.
 */
export async function seedDemoRoll(db: Knex, context: DemoContext): Promise<boolean> {
  for (const table of ['roll_imports', 'roll_records', 'roll_persons']) {
    const row = await db(table).count<{ count: string }[]>('* as count').first();
    if (Number(row?.count ?? 0) > 0) return false;
  }
  const content = await readFile(new URL('../../../seeds/roll/roll.csv', import.meta.url));
  const deps = { db, documents: context.documents, clock: { now: () => context.today } };
  const id = await createRollImport(deps, { channel: 'demo', fileName: 'roll.csv', content }, {});
  await runRollImport(deps, id);
  return true;
}

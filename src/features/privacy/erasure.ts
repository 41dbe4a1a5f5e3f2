import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { Module, Person } from '../module.ts';

/**
 * Runs the modules' erasures for a person in one transaction (`then` runs last in it: the account
 * row itself), and removes their stored files once it has committed: a failure anywhere leaves
 * everything as it was, files included.
 */
export async function eraseInOneTransaction(
  deps: Deps,
  person: Person,
  modules: readonly Module[],
  then?: (trx: Knex.Transaction) => Promise<void>,
): Promise<void> {
  const files: string[] = [];
  await deps.db.transaction(async (trx) => {
    const context = { deps, removeAfterCommit: (key: string) => void files.push(key) };
    for (const module of modules) await module.eraseFor?.(person, trx, context);
    await then?.(trx);
  });
  for (const key of files) await deps.documents.remove(key);
}

import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import type { Module, Person } from '../module.ts';

/**
 * Runs the modules' erasures for a person in one transaction (`around.before` first in it: the
 * link that confirms; `around.after` last: the account row itself), and removes their stored
 * files once it has committed: a failure anywhere leaves everything as it was, files included.
 */
export async function eraseInOneTransaction(
  deps: Deps,
  person: Person,
  modules: readonly Module[],
  around: {
    before?: (trx: Knex.Transaction) => Promise<void>;
    after?: (trx: Knex.Transaction) => Promise<void>;
  } = {},
): Promise<void> {
  const files: string[] = [];
  await deps.db.transaction(async (trx) => {
    await around.before?.(trx);
    const context = { deps, removeAfterCommit: (key: string) => void files.push(key) };
    for (const module of modules) await module.eraseFor?.(person, trx, context);
    await around.after?.(trx);
  });
  for (const key of files) await deps.documents.remove(key);
}

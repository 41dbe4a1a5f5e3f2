import type { Knex } from 'knex';
import { MODULES } from '../features/index.ts';
import type { Module } from '../features/module.ts';
import type { DocumentStore } from '../lib/document-store.ts';

/** Reference data every installation needs (each module's `referenceData`). Safe to run again. */
export async function seedReferenceData(
  db: Knex,
  modules: readonly Module[] = MODULES,
): Promise<void> {
  for (const module of modules) await module.referenceData?.(db);
}

/**
 * The demo data set, each module's `demo.seed`: a module fills only its own empty tables, so real
 * content is never touched. Returns the names of the modules that loaded theirs.
 */
export async function seedDemoData(
  db: Knex,
  documents: DocumentStore,
  options: { municipality: string; today: Date },
  modules: readonly Module[] = MODULES,
): Promise<string[]> {
  await seedReferenceData(db, modules);
  const loaded: string[] = [];
  for (const module of modules) {
    const seed = module.demo?.seed;
    if (seed && (await seed(db, { documents, ...options }))) loaded.push(module.name);
  }
  return loaded;
}

import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import { ZipFile } from 'yazl';
import type { DocumentStore } from '../../lib/document-store.ts';
import type { Module, Person } from '../module.ts';

/** A name inside the ZIP: plain segments of letters, digits, dots, dashes and underscores. */
const SAFE_PATH = /^[\p{L}\p{N}._-]+(\/[\p{L}\p{N}._-]+)*$/u;

/**
 * The person's download: `<module>.json` for each module that holds something about them (its
 * `exportFor`), the original files under `<module>/` (its `exportFiles`), and a README saying
 * what is where, in the person's language. A stored file that is missing is listed in the README
 * rather than failing the whole download.
 */
export async function buildArchive(
  modules: readonly Module[],
  person: Person,
  conn: Knex,
  documents: DocumentStore,
  readme: (missing: string[]) => string,
): Promise<Buffer> {
  const zip = new ZipFile();
  const missing: string[] = [];
  for (const module of modules) {
    if (module.exportFor) {
      const data = await module.exportFor(person, conn);
      if (Object.values(data).some(holdsSomething))
        zip.addBuffer(Buffer.from(`${JSON.stringify(data, null, 2)}\n`), `${module.name}.json`);
    }
    for (const file of (await module.exportFiles?.(person, conn)) ?? []) {
      const name = `${module.name}/${file.path}`;
      if (!SAFE_PATH.test(file.path) || file.path.split('/').includes('..'))
        throw new Error(`Unsafe export path ${name}`);
      const content = await readFile(documents.pathOf(file.documentKey)).catch(() => undefined);
      if (content) zip.addBuffer(content, name);
      else missing.push(name);
    }
  }
  zip.addBuffer(Buffer.from(readme(missing)), 'README.txt');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function holdsSomething(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(holdsSomething);
  return true;
}

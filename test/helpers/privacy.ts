import yauzl from 'yauzl';
import type { Deps } from '../../src/deps.ts';
import { EXPORT_QUEUE, prepareExport } from '../../src/features/privacy/data-export.ts';
import { ensureQueue } from '../../src/features/queues.ts';
import type { Db } from '../../src/db/knex.ts';

/** Runs the queued data exports as the worker would (the job: privacy.export). */
export async function runQueuedExports(deps: Deps): Promise<number> {
  await ensureQueue(deps.boss, EXPORT_QUEUE);
  let ran = 0;
  for (;;) {
    const jobs = await deps.boss.fetch<{ exportId: number }>(EXPORT_QUEUE, { batchSize: 10 });
    if (!jobs.length) return ran;
    for (const job of jobs) {
      await prepareExport(deps, job.data.exportId);
      await deps.boss.complete(EXPORT_QUEUE, job.id);
      ran += 1;
    }
  }
}

/** A ZIP's entries and their bytes, read with yauzl (not our writer's library). */
export async function unzip(content: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(content, { lazyEntries: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

/**
 * Every row of the given tables (every table of the public schema when none are given) whose
 * text holds `needle` (case-insensitive): "table: row".
 */
export async function rowsHolding(
  db: Db,
  needle: string,
  tables?: readonly string[],
): Promise<string[]> {
  const names =
    tables ??
    ((await db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .pluck('table_name')) as string[]);
  const found: string[] = [];
  for (const table of names) {
    const rows = (await db.raw(
      `SELECT t::text AS row FROM "${table}" t WHERE strpos(lower(t::text), lower(?)) > 0`,
      [needle],
    )) as { rows: { row: string }[] };
    for (const { row } of rows.rows) found.push(`${table}: ${row}`);
  }
  return found;
}

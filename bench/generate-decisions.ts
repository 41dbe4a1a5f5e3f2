/**
 * The benchmark data set: 100,000 published council decisions (2000–2026) plus the demo benefits
 * and health pages. Usage: DATABASE_URL=... npm run bench:data [-- --count 100000]
 */
import { parseArgs } from 'node:util';
import { generateDecisions } from '../seeds/demo/decisions.ts';
import { createDb, type Db } from '../src/db/knex.ts';
import { migrateLatest } from '../src/db/migrate.ts';
import { seedDemoData } from '../src/db/seed.ts';
import { createDocumentStore } from '../src/lib/document-store.ts';

const BATCH = 2000;

export async function generateBenchData(db: Db, count: number, uploadDir: string): Promise<void> {
  await migrateLatest(db);
  // The demo set first (benefits, health, ~70 decisions with PDFs), then bulk decisions in other years.
  await seedDemoData(db, createDocumentStore(uploadDir), {
    municipality: 'Δήμος Αγίου Νικολάου',
    today: new Date('2026-11-21T00:00:00Z'),
  });
  const existing = Number(((await db('decisions').count({ n: '*' }).first()) as { n: number }).n);
  const wanted = count - existing;
  if (wanted <= 0) return;
  const years = Array.from({ length: 22 }, (_v, i) => 2002 + i); // 2002–2023: no clash with the demo years
  const perYear = Math.ceil(wanted / years.length);
  const categories = new Map(
    ((await db('decision_categories').select('id', 'slug')) as { id: number; slug: string }[]).map(
      (c) => [c.slug, c.id],
    ),
  );
  let batch: Record<string, unknown>[] = [];
  let made = 0;
  for (const d of generateDecisions({ years, perYear, seed: 100_000, adaOffset: 10_000 })) {
    if (made >= wanted) break;
    batch.push({
      number: d.number,
      year: d.year,
      meeting_date: d.meeting_date,
      category_id: categories.get(d.category),
      subject: d.subject,
      summary: d.summary,
      ada: d.ada,
      status: 'published',
      published_at: new Date(`${d.meeting_date}T12:00:00Z`),
    });
    made += 1;
    if (batch.length === BATCH) {
      await db('decisions').insert(batch);
      batch = [];
    }
  }
  if (batch.length) await db('decisions').insert(batch);
  await db.raw('ANALYZE decisions');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to the database to fill.');
    process.exit(1);
  }
  const db = createDb(url, 2);
  await generateBenchData(
    db,
    Number(values.count),
    process.env.UPLOAD_DIR ?? '.data/bench-uploads',
  );
  console.log(
    `decisions: ${((await db('decisions').count({ n: '*' }).first()) as { n: number }).n}`,
  );
  await db.destroy();
}

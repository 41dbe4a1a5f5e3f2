import type { Knex } from 'knex';
import { benefitCategories, benefits } from '../../seeds/demo/benefits.ts';
import { decisionCategories, generateDecisions } from '../../seeds/demo/decisions.ts';
import { healthServices } from '../../seeds/demo/health.ts';
import type { DocumentStore } from '../lib/document-store.ts';
import { renderTextPdf } from '../lib/pdf.ts';

/** Reference data every installation needs: the decision categories. Safe to run again. */
export async function seedReferenceData(db: Knex): Promise<void> {
  await db('decision_categories')
    .insert(decisionCategories.map((c, position) => ({ ...c, position })))
    .onConflict('slug')
    .ignore();
}

/** The demo data set: only into an empty database, so it never touches real content. */
export async function seedDemoData(
  db: Knex,
  documents: DocumentStore,
  options: { municipality: string; today: Date },
): Promise<boolean> {
  await seedReferenceData(db);
  const existing = (await db('decisions').count({ n: '*' }).first()) as { n: number } | undefined;
  if (Number(existing?.n ?? 0) > 0) return false;

  const today = options.today.toISOString().slice(0, 10);
  const year = options.today.getUTCFullYear();
  const categoryIds = new Map(
    ((await db('decision_categories').select('id', 'slug')) as { id: number; slug: string }[]).map(
      (c) => [c.slug, c.id],
    ),
  );
  const rows: Record<string, unknown>[] = [];
  for (const decision of generateDecisions({
    years: [year - 2, year - 1, year],
    perYear: 26,
    seed: 2026,
    until: today,
  })) {
    const pdf = await renderTextPdf({
      author: options.municipality,
      title: `Απόφαση ${decision.number}/${decision.year} του Δημοτικού Συμβουλίου`,
      subtitle: `Συνεδρίαση της ${decision.meeting_date.split('-').reverse().join('/')}`,
      sections: [
        { heading: 'Θέμα', text: decision.subject },
        { heading: 'Περίληψη', text: decision.summary },
        {
          heading: 'Απόφαση',
          text: 'Το Δημοτικό Συμβούλιο, αφού έλαβε υπόψη την εισήγηση και τις διατάξεις του ν. 3852/2010, αποφασίζει ομόφωνα όπως παραπάνω.',
        },
      ],
    });
    rows.push({
      number: decision.number,
      year: decision.year,
      meeting_date: decision.meeting_date,
      category_id: categoryIds.get(decision.category),
      subject: decision.subject,
      summary: decision.summary,
      ada: decision.ada,
      document_file: await documents.save(pdf),
      status: 'published',
      published_at: new Date(`${decision.meeting_date}T12:00:00Z`),
    });
  }

  await db.transaction(async (trx) => {
    await trx.batchInsert('decisions', rows, 200);
    const benefitCategoryIds = new Map<string, number>();
    for (const [position, category] of benefitCategories.entries()) {
      const [row] = (await trx('benefit_categories')
        .insert({ slug: category.slug, name: category.name, position })
        .returning('id')) as { id: number }[];
      benefitCategoryIds.set(category.slug, row?.id ?? 0);
    }
    await trx('benefits').insert(
      benefits.map(({ category, ...b }, position) => ({
        ...b,
        category_id: benefitCategoryIds.get(category),
        links: JSON.stringify(b.links),
        position,
        status: 'published',
      })),
    );
    await trx('health_services').insert(
      healthServices.map((h, position) => ({ ...h, position, status: 'published' })),
    );
  });
  return true;
}

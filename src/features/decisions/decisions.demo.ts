import type { Knex } from 'knex';
import { decisionCategories, generateDecisions } from '../../../seeds/demo/decisions.ts';
import { renderTextPdf } from '../../lib/pdf.ts';
import type { DemoAccount, DemoContext } from '../module.ts';

/** Reference data every installation needs: the decision categories. Safe to run again. */
export async function seedDecisionCategories(db: Knex): Promise<void> {
  await db('decision_categories')
    .insert(decisionCategories.map((c, position) => ({ ...c, position })))
    .onConflict('slug')
    .ignore();
}

/** Three years of council decisions, each with its PDF; only into an empty register. */
export async function seedDemoDecisions(db: Knex, context: DemoContext): Promise<boolean> {
  const existing = (await db('decisions').count({ n: '*' }).first()) as { n: number } | undefined;
  if (Number(existing?.n ?? 0) > 0) return false;
  const today = context.today.toISOString().slice(0, 10);
  const year = context.today.getUTCFullYear();
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
      author: context.municipality,
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
      document_file: await context.documents.save(pdf),
      status: 'published',
      published_at: new Date(`${decision.meeting_date}T12:00:00Z`),
    });
  }
  await db.batchInsert('decisions', rows, 200);
  return true;
}

export const DEMO_EDITOR: DemoAccount = {
  role: 'editor',
  username: 'demo.editor',
  password: 'Quiet-Library-Paper-Lamp-2026',
  fullName: 'Ελένη Καλογεράκη',
  email: 'demo.editor@example.gov.gr',
  phone: null,
  roles: ['editor'],
};

import type { Db } from '../../src/db/knex.ts';

let counter = 0;

export async function categoryId(db: Db, slug = 'oikonomika'): Promise<number> {
  const row = (await db('decision_categories').where({ slug }).first('id')) as
    { id: number } | undefined;
  if (!row) throw new Error(`no category ${slug}`);
  return row.id;
}

export interface DecisionInput {
  number?: number;
  year?: number;
  meeting_date?: string;
  category?: string;
  subject?: string;
  summary?: string;
  ada?: string | null;
  status?: 'draft' | 'published';
  document_file?: string | null;
}

export async function createDecision(db: Db, input: DecisionInput = {}): Promise<number> {
  counter += 1;
  const year = input.year ?? 2026;
  const [row] = (await db('decisions')
    .insert({
      number: input.number ?? 1000 + counter,
      year,
      meeting_date: input.meeting_date ?? `${year}-03-15`,
      category_id: await categoryId(db, input.category),
      subject: input.subject ?? `Θέμα δοκιμής ${counter}`,
      summary: input.summary ?? 'Περίληψη δοκιμής.',
      ada: input.ada === undefined ? null : input.ada,
      status: input.status ?? 'published',
      published_at: (input.status ?? 'published') === 'published' ? new Date() : null,
      document_file: input.document_file ?? null,
    })
    .returning('id')) as { id: number }[];
  return row!.id;
}

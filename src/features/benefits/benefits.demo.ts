import type { Knex } from 'knex';
import { benefitCategories, benefits } from '../../../seeds/demo/benefits.ts';

/** The municipality's benefits in their categories; only into an empty table. */
export async function seedDemoBenefits(db: Knex): Promise<boolean> {
  const existing = (await db('benefits').count({ n: '*' }).first()) as { n: number } | undefined;
  if (Number(existing?.n ?? 0) > 0) return false;
  await db.transaction(async (trx) => {
    const categoryIds = new Map<string, number>();
    for (const [position, category] of benefitCategories.entries()) {
      const [row] = (await trx('benefit_categories')
        .insert({ slug: category.slug, name: category.name, position })
        .onConflict('slug')
        .merge()
        .returning('id')) as { id: number }[];
      categoryIds.set(category.slug, row?.id ?? 0);
    }
    await trx('benefits').insert(
      benefits.map(({ category, ...b }, position) => ({
        ...b,
        category_id: categoryIds.get(category),
        links: JSON.stringify(b.links),
        position,
        status: 'published',
      })),
    );
  });
  return true;
}

import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';

export interface CategoryRow {
  id: number;
  slug: string;
  group_key: string;
  department_id: number;
  name: Localized;
  deadline_days: number;
  may_be_public: boolean;
}

/** The groups of categories, in the order the form shows them. */
export const CATEGORY_GROUPS = [
  'cleaning',
  'lighting',
  'roads',
  'green',
  'animals',
  'noise',
  'other',
] as const;

const CATEGORY_COLUMNS = [
  'id',
  'slug',
  'group_key',
  'department_id',
  'name',
  'deadline_days',
  'may_be_public',
];

export async function listActiveCategories(conn: Conn): Promise<CategoryRow[]> {
  return (await conn('request_categories')
    .where({ active: true })
    .orderBy(['position', 'id'])
    .select(CATEGORY_COLUMNS)) as CategoryRow[];
}

export async function findCategory(conn: Conn, id: number): Promise<CategoryRow | undefined> {
  return (await conn('request_categories').where({ id, active: true }).first(CATEGORY_COLUMNS)) as
    CategoryRow | undefined;
}

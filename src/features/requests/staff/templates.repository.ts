import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';

export interface ReplyTemplateRow {
  id: number;
  category_id: number | null;
  title_el: string;
  title_en: string | null;
  body_el: string;
  body_en: string | null;
  active: boolean;
  position: number;
  created_at: Date;
  updated_at: Date;
}

/** What an admin writes in a template's form. */
export type ReplyTemplateInput = Pick<
  ReplyTemplateRow,
  'category_id' | 'title_el' | 'title_en' | 'body_el' | 'body_en' | 'position'
>;

/**
 * Every template with its category's name (null: for every category), in the order the admins
 * gave them (the list's "Order" column), then the order they were added.
 */
export async function listTemplates(
  conn: Conn,
): Promise<(ReplyTemplateRow & { category_name: Localized | null })[]> {
  return (await conn('request_reply_templates as t')
    .leftJoin('request_categories as c', 'c.id', 't.category_id')
    .orderBy(['t.position', 't.id'])
    .select('t.*', 'c.name as category_name')) as (ReplyTemplateRow & {
    category_name: Localized | null;
  })[];
}

export async function findTemplate(
  conn: Conn,
  id: number,
  options: { lock?: boolean } = {},
): Promise<ReplyTemplateRow | undefined> {
  const query = conn('request_reply_templates').where({ id }).first();
  if (options.lock) void query.forUpdate();
  return (await query) as ReplyTemplateRow | undefined;
}

/** The active templates a request of this category may be answered from: its own and the general ones. */
export async function templatesForCategory(
  conn: Conn,
  categoryId: number,
): Promise<ReplyTemplateRow[]> {
  return (await conn('request_reply_templates')
    .where({ active: true })
    .where((q) => q.where({ category_id: categoryId }).orWhereNull('category_id'))
    .orderByRaw('category_id IS NULL, position, id')
    .select()) as ReplyTemplateRow[];
}

export async function insertTemplate(conn: Conn, input: ReplyTemplateInput): Promise<number> {
  const [row] = (await conn('request_reply_templates').insert(input).returning('id')) as {
    id: number;
  }[];
  return row!.id;
}

export async function updateTemplate(
  conn: Conn,
  id: number,
  patch: Partial<ReplyTemplateInput & { active: boolean }>,
): Promise<void> {
  await conn('request_reply_templates')
    .where({ id })
    .update({ ...patch, updated_at: conn.fn.now() });
}

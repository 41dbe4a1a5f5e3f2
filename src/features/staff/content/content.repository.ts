import type { Conn } from '../../../db/knex.ts';

export type ContentRow = Record<string, unknown> & {
  id: number;
  slug: string;
  status: 'draft' | 'published';
  position: number;
  title: { el?: string; en?: string };
};

/** Every item of the table, drafts too, in the public order. */
export async function listContent(conn: Conn, table: string): Promise<ContentRow[]> {
  return (await conn(table).orderBy(['position', 'id'])) as ContentRow[];
}

export async function findContent(
  conn: Conn,
  table: string,
  id: number,
): Promise<ContentRow | undefined> {
  return (await conn(table).where({ id }).first()) as ContentRow | undefined;
}

/** A new draft, last in the order. */
export async function insertContent(
  conn: Conn,
  table: string,
  row: Record<string, unknown>,
): Promise<number> {
  const max = (await conn(table).max({ p: 'position' }).first()) as { p: number | null };
  const [created] = (await conn(table)
    .insert({ ...row, position: (max.p ?? 0) + 1, status: 'draft' })
    .returning('id')) as { id: number }[];
  return created!.id;
}

export async function updateContent(
  conn: Conn,
  table: string,
  id: number,
  row: Record<string, unknown>,
): Promise<void> {
  await conn(table)
    .where({ id })
    .update({ ...row, updated_at: conn.fn.now() });
}

export async function updateContentStatus(
  conn: Conn,
  table: string,
  id: number,
  status: 'draft' | 'published',
): Promise<void> {
  await conn(table).where({ id }).update({ status, updated_at: conn.fn.now() });
}

/** The order of every item, locked until the transaction ends (two moves at once queue up). */
export async function lockContentOrder(
  conn: Conn,
  table: string,
): Promise<{ id: number; position: number }[]> {
  return (await conn(table).select('id', 'position').orderBy(['position', 'id']).forUpdate()) as {
    id: number;
    position: number;
  }[];
}

/** Writes the order: the ids' positions become 1..n. */
export async function renumberContent(
  conn: Conn,
  table: string,
  order: readonly number[],
): Promise<void> {
  for (const [position, id] of order.entries())
    await conn(table)
      .where({ id })
      .update({ position: position + 1 });
}

import sharp from 'sharp';
import type { Db } from '../../src/db/knex.ts';
import type { Deps } from '../../src/deps.ts';

let number = 500;

/** A department's id by its slug (the starting departments: technical, cleaning, …). */
export const departmentId = async (db: Db, slug: string) =>
  ((await db('departments').where({ slug }).first('id')) as { id: number }).id;

/**
 * A request of `userId` in category `slug`, straight in the database as the filing service leaves
 * it (its 'submitted' event too); returns its id and its reference as in addresses (2026-000501).
 */
export async function insertRequest(
  db: Db,
  userId: number,
  slug: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: number; url: string }> {
  number += 1;
  const category = (await db('request_categories')
    .where({ slug })
    .first('id', 'department_id')) as {
    id: number;
    department_id: number;
  };
  const [row] = (await db('requests')
    .insert({
      year: 2026,
      number,
      user_id: userId,
      category_id: category.id,
      department_id: category.department_id,
      kind: 'request',
      title: `Αίτημα ${number}`,
      description: 'Περιγραφή του προβλήματος',
      address: 'Οδός Κουντούρου 5',
      due_date: '2026-12-10',
      created_at: new Date('2026-11-20T10:00:00Z'),
      ...extra,
    })
    .returning('id')) as { id: number }[];
  await db('request_events').insert({
    request_id: row!.id,
    kind: 'submitted',
    status: 'submitted',
    actor_id: userId,
    by_citizen: true,
  });
  return { id: row!.id, url: `2026-${String(number).padStart(6, '0')}` };
}

/**
 * A photo of a request, stored as the filing leaves it (a small JPEG in the document store);
 * `approvedBy`: already approved for the public list by that handler. Returns its id.
 */
export async function insertRequestPhoto(
  deps: Pick<Deps, 'db' | 'documents'>,
  requestId: number,
  options: { approvedBy?: number; colour?: string } = {},
): Promise<number> {
  const jpeg = await sharp({
    create: { width: 40, height: 30, channels: 3, background: options.colour ?? '#884400' },
  })
    .jpeg()
    .toBuffer();
  const file = await deps.documents.save(jpeg, 'jpg');
  const [row] = (await deps
    .db('request_photos')
    .insert({
      request_id: requestId,
      file,
      width: 40,
      height: 30,
      bytes: jpeg.length,
      ...(options.approvedBy ? { approved_at: new Date(), approved_by: options.approvedBy } : {}),
    })
    .returning('id')) as { id: number }[];
  return row!.id;
}

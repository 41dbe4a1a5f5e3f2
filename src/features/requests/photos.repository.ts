import type { Conn } from '../../db/knex.ts';

export interface PhotoRow {
  id: number;
  request_id: number;
  file: string;
  width: number;
  height: number;
}

export async function insertPhotos(
  conn: Conn,
  requestId: number,
  eventId: number | null,
  photos: readonly { file: string; width: number; height: number; bytes: number }[],
): Promise<void> {
  if (!photos.length) return;
  await conn('request_photos').insert(
    photos.map((photo) => ({ ...photo, request_id: requestId, event_id: eventId })),
  );
}

export async function listPhotos(conn: Conn, requestId: number): Promise<PhotoRow[]> {
  return (await conn('request_photos')
    .where({ request_id: requestId })
    .orderBy('id')
    .select('id', 'request_id', 'file', 'width', 'height')) as PhotoRow[];
}

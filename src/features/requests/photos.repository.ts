import type { Request, Response } from 'express';
import type { Conn } from '../../db/knex.ts';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';

export interface PhotoRow {
  id: number;
  request_id: number;
  file: string;
  width: number;
  height: number;
  bytes: number;
  /** When a handler approved it for the public list; null: not approved. */
  approved_at: Date | null;
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
    .select('id', 'request_id', 'file', 'width', 'height', 'bytes', 'approved_at')) as PhotoRow[];
}

/**
 * A handler's approval of one of the request's photos for the public list (`approval`), or its
 * withdrawal (null); false when the photo is not the request's.
 */
export async function setPhotoApproval(
  conn: Conn,
  requestId: number,
  photoId: number,
  approval: { at: Date; by: number } | null,
): Promise<boolean> {
  const changed = await conn('request_photos')
    .where({ id: photoId, request_id: requestId })
    .update({ approved_at: approval?.at ?? null, approved_by: approval?.by ?? null });
  return changed > 0;
}

/**
 * Sends the photo named in the address (`:photo`) if it belongs to the request the caller was
 * allowed to open; 404 otherwise. The store may sit under a dot-folder (npm start's .data).
 */
export async function sendRequestPhoto(
  deps: Pick<Deps, 'db' | 'documents'>,
  req: Request,
  res: Response,
  requestId: number,
  options: { approvedOnly?: boolean } = {},
): Promise<void> {
  const id = /^[1-9]\d{0,17}$/.test(String(req.params.photo)) ? Number(req.params.photo) : 0;
  const photo = (await listPhotos(deps.db, requestId)).find((p) => p.id === id);
  if (!photo || (options.approvedOnly && !photo.approved_at)) throw new NotFoundError();
  res.set('Cache-Control', 'private, max-age=3600');
  res.type('image/jpeg').sendFile(deps.documents.pathOf(photo.file), { dotfiles: 'allow' });
}

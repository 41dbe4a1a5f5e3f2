import type { Deps } from '../../deps.ts';
import type { ProcessedPhoto } from '../../lib/photos.ts';

export type StoredPhoto = { file: string; width: number; height: number; bytes: number };

/** Writes cleaned photos to the document store (new names); returns what their rows need. */
export async function storePhotos(
  deps: Pick<Deps, 'documents'>,
  photos: readonly ProcessedPhoto[],
): Promise<StoredPhoto[]> {
  const stored: StoredPhoto[] = [];
  for (const photo of photos)
    stored.push({
      file: await deps.documents.save(photo.data, 'jpg'),
      width: photo.width,
      height: photo.height,
      bytes: photo.bytes,
    });
  return stored;
}

/** When what they belong to was not saved after all. */
export async function removeStoredPhotos(
  deps: Pick<Deps, 'documents'>,
  photos: readonly StoredPhoto[],
): Promise<void> {
  for (const photo of photos) await deps.documents.remove(photo.file);
}

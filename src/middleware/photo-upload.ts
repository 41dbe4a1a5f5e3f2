import type { RequestHandler } from 'express';
import multer from 'multer';
import type { FieldError } from '../lib/errors.ts';
import { HttpError } from '../lib/errors.ts';
import {
  isPhotoProblem,
  PHOTO_MAX_BYTES,
  photoFieldError,
  processPhoto,
  type ProcessedPhoto,
} from '../lib/photos.ts';
import { containsNul, NulCharacterError } from './refuse-nul.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    /** Photos a form sent, read into memory (not yet checked): photo-upload.ts. */
    photoFiles?: Buffer[];
    /** Why the photos as a whole were refused (too many, too large), at the field. */
    photoError?: FieldError;
  }
}

/**
 * Parses a multipart form with up to `max` photos in `field` into memory (never onto disk under
 * the name the browser sent). Nothing is decoded here: the route checks the CSRF token first
 * (the module context's protectUpload), then `readPhotos`.
 */
export function photoUpload(field: string, max: number): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: PHOTO_MAX_BYTES, files: max, fields: 40, fieldSize: 100 * 1024 },
  }).array(field, max);
  return (req, res, next) => {
    parse(req, res, (error: unknown) => {
      req.body ??= {};
      if (error instanceof multer.MulterError) {
        res.locals.photoError =
          error.code === 'LIMIT_FILE_SIZE'
            ? photoFieldError(field, 'size')
            : { field, key: 'errors.photo.tooMany', params: { max } };
      } else if (error) {
        next(new HttpError(400, 'errors.incompleteForm.title'));
        return;
      } else if (containsNul(req.body)) {
        next(new NulCharacterError());
        return;
      }
      const files = (req.files ?? []) as Express.Multer.File[];
      res.locals.photoFiles = files.filter((file) => file.size > 0).map((file) => file.buffer);
      next();
    });
  };
}

/** Checks and cleans each photo (photos.ts); the first refusal is the field's message. */
export async function readPhotos(
  files: readonly Buffer[],
  field: string,
): Promise<{ photos: ProcessedPhoto[] } | { error: FieldError }> {
  const photos: ProcessedPhoto[] = [];
  for (const file of files) {
    const result = await processPhoto(file);
    if (isPhotoProblem(result)) return { error: photoFieldError(field, result) };
    photos.push(result);
  }
  return { photos };
}

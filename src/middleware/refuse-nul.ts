import type { RequestHandler } from 'express';
import { HttpError } from '../lib/errors.ts';

/** A NUL character (U+0000), which PostgreSQL refuses in any text. */
export class NulCharacterError extends HttpError {
  constructor() {
    super(400, 'errors.invalidCharacters.title');
  }
}

/** True when any string in the value (a form body: strings, arrays, objects) holds a NUL. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (!value || typeof value !== 'object' || depth > 5) return false;
  return Object.entries(value).some(
    ([key, inner]) => key.includes('\u0000') || containsNul(inner, depth + 1),
  );
}

/**
 * No page has a use for a NUL character, and PostgreSQL refuses it (a query with one failed with
 * a 500): the path, the query and a form body that hold one are refused here, with a 400 page.
 * Upload forms are parsed later (multer) and checked there (staff/pdf-upload.ts).
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  // %00 in the address, however written (%00, or a literal byte Node let through).
  if (req.originalUrl.includes('%00') || containsNul(req.originalUrl) || containsNul(req.body)) {
    next(new NulCharacterError());
    return;
  }
  next();
};

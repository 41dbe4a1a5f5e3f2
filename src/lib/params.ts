import type { Request } from 'express';
import { NotFoundError } from './errors.ts';

/** The route's numeric :id, or a 404 for anything else (letters, overflow, negatives). */
export function idParam(req: Request): number {
  const text = String(req.params.id);
  if (!/^\d{1,9}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

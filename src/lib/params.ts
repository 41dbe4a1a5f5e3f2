import type { Request } from 'express';
import { NotFoundError } from './errors.ts';

/** The route's numeric :id (1 to 999999999), or a 404 for anything else (0, letters, overflow, negatives). */
export function idParam(req: Request): number {
  const text = String(req.params.id);
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

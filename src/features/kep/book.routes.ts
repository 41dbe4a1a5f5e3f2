import { Router } from 'express';
import type { ModuleContext } from '../module.ts';

/** /kep and the booking steps at /kep/book/… (to be built). */
export function createBookingRouter(_ctx: ModuleContext): Router {
  return Router();
}

import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** /kep/manual: the citizens' user manual, and its printable PDF. */
export function createManualRouter(_ctx: ModuleContext): Router {
  return Router();
}

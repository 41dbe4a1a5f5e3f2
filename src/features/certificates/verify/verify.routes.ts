import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** The public verification pages: /verify and /verify/<code>. */
export function createVerifyRouter(ctx: ModuleContext): Router {
  void ctx;
  return Router();
}

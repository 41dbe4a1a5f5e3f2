import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** The clerk's queue and an application's page: /staff/certificates. */
export function createQueueRouter(ctx: ModuleContext): Router {
  void ctx;
  return Router();
}

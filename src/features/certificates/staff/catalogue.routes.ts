import { Router } from 'express';
import type { ModuleContext } from '../../module.ts';

/** The catalogue of certificate types (admin): /staff/certificates/catalogue. */
export function createCatalogueRouter(ctx: ModuleContext): Router {
  void ctx;
  return Router();
}

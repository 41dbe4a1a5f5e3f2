import { Router } from 'express';
import type { ModuleContext } from '../module.ts';

/** The citizen's pages: /certificates, the application form, an application's page. */
export function createCertificatesRouter(ctx: ModuleContext): Router {
  void ctx;
  return Router();
}

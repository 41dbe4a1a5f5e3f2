import { Router, type Request, type Response } from 'express';
import type { Module } from '../module.ts';

/**
 * The footer's fixed pages: accessibility statement, privacy notice, contact. The privacy notice
 * has a section from each module that keeps something about a person (`privacyNotice`).
 */
export function createPagesRouter(modules: readonly Module[]): Router {
  const router = Router();
  const privacySections = modules.flatMap((module) =>
    module.privacyNotice ? [module.privacyNotice] : [],
  );
  for (const page of ['accessibility', 'privacy', 'contact'] as const) {
    router.get(`/${page}`, (req: Request, res: Response) => {
      res.render(`pages/views/${page}`, {
        pageTitle: req.t(`pages.${page}.title`),
        privacySections,
      });
    });
  }
  return router;
}

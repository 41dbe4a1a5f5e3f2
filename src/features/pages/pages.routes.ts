import { Router, type Request, type Response } from 'express';

/** The footer's fixed pages: accessibility statement, privacy notice, contact. */
export function createPagesRouter(): Router {
  const router = Router();
  for (const page of ['accessibility', 'privacy', 'contact'] as const) {
    router.get(`/${page}`, (req: Request, res: Response) => {
      res.render(`pages/${page}`, { pageTitle: req.t(`pages.${page}.title`) });
    });
  }
  return router;
}

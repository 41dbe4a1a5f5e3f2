import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps.ts';

/**
 * The footer's fixed pages: privacy notice, contact (the accessibility statement, with its
 * feedback form, is the accessibility module's). The privacy notice has a section from each
 * module that keeps something about a person (`privacyNotice`), its figures (retention days) read
 * from the settings; the kept page is made again when a setting changes (the content cache's
 * NOTIFY).
 */
export function createPagesRouter(deps: Deps): Router {
  const router = Router();
  const sections = deps.modules.flatMap((module) =>
    module.privacyNotice ? [module.privacyNotice] : [],
  );
  const privacySections = () =>
    Promise.all(
      sections.map(async (section) => ({
        headingKey: section.headingKey,
        bodyKey: section.bodyKey,
        params: (await section.params?.(deps)) ?? {},
      })),
    );
  for (const page of ['privacy', 'contact'] as const) {
    router.get(`/${page}`, async (req: Request, res: Response) => {
      res.render(`pages/views/${page}`, {
        pageTitle: req.t(`pages.${page}.title`),
        privacySections: page === 'privacy' ? await privacySections() : [],
      });
    });
  }
  return router;
}

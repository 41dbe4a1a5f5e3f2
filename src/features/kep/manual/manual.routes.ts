import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { NotFoundError } from '../../../lib/errors.ts';
import type { ModuleContext } from '../../module.ts';
import { MAX_ACTIVE_PER_AFM } from '../booking.service.ts';
import { KEP_MAX_FILES } from '../book-upload.ts';
import { jitsiSettingsOf } from '../call/jitsi.config.ts';
import { readKepSettings } from '../kep.settings.ts';
import { manualSections, type ManualFacts, type ManualSection } from './manual.content.ts';
import { renderManualPdf } from './manual.pdf.ts';
import { findScreenshots, SCREENSHOT_DIR, screenshotOf } from './manual.screenshots.ts';

const SCREENSHOT_PATH = '/kep/manual/screenshots';

/** /kep/manual: the citizens' user manual (public, no sign-in), its printable PDF and its pictures. */
export function createManualRouter(ctx: ModuleContext): Router {
  const router = Router();
  const { config } = ctx.deps;
  const shots = findScreenshots();

  /** The manual in the request's language, with today's settings and the municipality's contacts. */
  const sectionsFor = async (req: Request): Promise<ManualSection[]> => {
    const settings = await readKepSettings(ctx.deps);
    const facts: ManualFacts = {
      phone: config.CONTACT_PHONE,
      email: config.CONTACT_EMAIL,
      hours: req.lang === 'en' ? config.OFFICE_HOURS_EN : config.OFFICE_HOURS_EL,
      retentionDays: settings.retentionDays,
      firstReminderMinutes: settings.firstReminderMinutes,
      secondReminderMinutes: settings.secondReminderMinutes,
      maxFiles: KEP_MAX_FILES,
      maxActive: MAX_ACTIVE_PER_AFM,
      verifiesIdentity: jitsiSettingsOf(config).verifiesIdentity,
    };
    return manualSections(req.t, facts);
  };

  router.get('/kep/manual', async (req: Request, res: Response) => {
    const sections = await sectionsFor(req);
    res.render('kep/manual/views/manual', {
      pageTitle: req.t('kep.manual.title'),
      metaDescription: req.t('kep.manual.lead'),
      sections,
      pdfHref: `/kep/manual.pdf?lang=${req.lang}`,
      picture: (shot: Parameters<typeof screenshotOf>[1]) => {
        const found = screenshotOf(shots, shot, req.lang);
        return found && { ...found, src: `${SCREENSHOT_PATH}/${found.file}` };
      },
    });
  });

  router.get('/kep/manual.pdf', async (req: Request, res: Response) => {
    const pdf = await renderManualPdf(config, req, await sectionsFor(req));
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${req.t('kep.manual.pdf.fileName')}.pdf"`,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(pdf);
  });

  router.get(`${SCREENSHOT_PATH}/:file`, (req: Request, res: Response, next: NextFunction) => {
    // Only the pictures found when the router was built: a name is never a path.
    const found = shots.get(String(req.params.file));
    if (!found) throw new NotFoundError();
    res.sendFile(
      path.join(SCREENSHOT_DIR, found.file),
      {
        headers: {
          'Content-Type': 'image/png',
          'Cache-Control': 'public, max-age=86400',
          'X-Content-Type-Options': 'nosniff',
        },
      },
      (err?: Error) => {
        if (err && !res.headersSent) next(new NotFoundError());
      },
    );
  });
  return router;
}

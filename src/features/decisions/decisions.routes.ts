import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { idParam } from '../../lib/params.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { renderDecisionsFeed } from './decisions.feed.ts';
import { renderDecision, renderDecisionList } from './decisions.pages.ts';
import type { DecisionsService } from './decisions.service.ts';

const FEED_SIZE = 50;

export const DECISIONS_HUB_ENTRY: HubEntry = {
  id: 'decisions',
  href: '/decisions',
  titleKey: 'services.decisions.title',
  descriptionKey: 'services.decisions.description',
  access: 'public',
  navKey: 'nav.decisions',
};

/** The public register: the list with its search and filters, the Atom feed, each decision and its PDF. */
export function createDecisionsRouter(deps: Deps, service: DecisionsService): Router {
  const router = Router();
  router.get('/decisions', (req: Request, res: Response) => renderDecisionList(service, req, res));
  router.get('/decisions/feed.atom', (req: Request, res: Response) =>
    sendFeed(deps.config, service, req, res),
  );
  router.get('/decisions/:id', (req: Request, res: Response) => renderDecision(service, req, res));
  router.get('/decisions/:id/document', (req: Request, res: Response, next: NextFunction) =>
    sendDocument(deps.documents, service, req, res, next),
  );
  return router;
}

async function sendFeed(
  config: Deps['config'],
  service: DecisionsService,
  req: Request,
  res: Response,
): Promise<void> {
  const latest = await service.current().latest(FEED_SIZE);
  res.type('application/atom+xml; charset=utf-8');
  res.send(
    renderDecisionsFeed(latest, {
      baseUrl: config.baseUrl,
      lang: req.lang,
      title: req.t('decisions.feedTitle', {
        name: req.lang === 'en' ? config.MUNICIPALITY_NAME_EN : config.MUNICIPALITY_NAME_EL,
      }),
    }),
  );
}

async function sendDocument(
  documents: Deps['documents'],
  service: DecisionsService,
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<void> {
  const { decision } = await service.current().detail(idParam(req));
  if (!decision.document_file) throw new NotFoundError();
  const filename = `apofasi-${decision.number}-${decision.year}.pdf`;
  // `headers` are set only once the file has been found; a missing file leaves none behind.
  // The upload folder may sit under a dot-folder (the default `.data/uploads`): the stored
  // name is generated (never typed), so allowing dot-folders exposes nothing.
  res.sendFile(
    documents.pathOf(decision.document_file),
    {
      dotfiles: 'allow',
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename="${filename}"`,
        'Cache-Control': 'public, max-age=3600',
      },
    },
    (err?: Error & { status?: number; code?: string }) => {
      if (!err || res.headersSent) return;
      next(err.status === 404 || err.code === 'ENOENT' ? new NotFoundError() : err);
    },
  );
}

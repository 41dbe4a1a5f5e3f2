import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { pick } from '../../lib/localized.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import {
  findPublishedHealthService,
  HEALTH_KINDS,
  listPublishedHealthServices,
} from './health.repository.ts';

const SLUG = /^[a-z0-9-]{1,100}$/;

export const HEALTH_HUB_ENTRY: HubEntry = {
  id: 'health',
  href: '/health',
  titleKey: 'services.health.title',
  descriptionKey: 'services.health.description',
  access: 'public',
  navKey: 'nav.health',
};

export function createHealthRouter(deps: Deps): Router {
  const router = Router();

  const cached = <T>(key: string, load: () => Promise<T>) =>
    deps.contentCache.get(`health:${key}`, load);

  router.get('/health', async (req: Request, res: Response) => {
    const rows = await cached('list', () => listPublishedHealthServices(deps.db));
    const groups = HEALTH_KINDS.map((kind) => ({
      kind,
      name: req.t(`health.kinds.${kind}`),
      items: rows
        .filter((row) => row.kind === kind)
        .map((row) => ({
          href: `/health/${row.slug}`,
          title: pick(row.title, req.lang),
          summary: pick(row.summary, req.lang),
        })),
    })).filter((group) => group.items.length > 0);
    res.render('health/views/list', { pageTitle: req.t('health.title'), groups });
  });

  router.get('/health/:slug', async (req: Request, res: Response) => {
    const slug = String(req.params.slug);
    const row = SLUG.test(slug)
      ? await cached(`detail:${slug}`, () => findPublishedHealthService(deps.db, slug))
      : undefined;
    if (!row) throw new NotFoundError();
    const whatToBring = pick(row.what_to_bring_md, req.lang);
    res.render('health/views/detail', {
      pageTitle: pick(row.title, req.lang),
      service: {
        title: pick(row.title, req.lang),
        kind: req.t(`health.kinds.${row.kind}`),
        summary: pick(row.summary, req.lang),
        bodyHtml: renderMarkdown(pick(row.body_md, req.lang)),
        address: pick(row.address, req.lang),
        hours: pick(row.hours, req.lang),
        phone: row.phone,
        phoneHref: `tel:${row.phone.replace(/[^+\d]/g, '')}`,
        whatToBringHtml: whatToBring ? renderMarkdown(whatToBring) : '',
      },
    });
  });

  return router;
}

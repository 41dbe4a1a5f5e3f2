import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { pick } from '../../lib/localized.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { findPublishedBenefit, listPublishedBenefits } from './benefits.repository.ts';

const SLUG = /^[a-z0-9-]{1,100}$/;

export const BENEFITS_HUB_ENTRY: HubEntry = {
  id: 'benefits',
  href: '/benefits',
  titleKey: 'services.benefits.title',
  descriptionKey: 'services.benefits.description',
  access: 'public',
  navKey: 'nav.benefits',
};

type BenefitsDeps = Pick<Deps, 'db' | 'contentCache'>;

const cached = <T>(deps: BenefitsDeps, key: string, load: () => Promise<T>) =>
  deps.contentCache.get(`benefits:${key}`, load);

/** /benefits: the published benefits, by category; /benefits/:slug, one of them. */
export function createBenefitsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/benefits', (req: Request, res: Response) => renderBenefitList(deps, req, res));
  router.get('/benefits/:slug', (req: Request, res: Response) => renderBenefit(deps, req, res));
  return router;
}

async function renderBenefitList(deps: BenefitsDeps, req: Request, res: Response): Promise<void> {
  const rows = await cached(deps, 'list', () => listPublishedBenefits(deps.db));
  const groups: {
    name: string;
    slug: string;
    items: { href: string; title: string; summary: string }[];
  }[] = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (!group || group.slug !== row.category_slug) {
      group = { name: pick(row.category_name, req.lang), slug: row.category_slug, items: [] };
      groups.push(group);
    }
    group.items.push({
      href: `/benefits/${row.slug}`,
      title: pick(row.title, req.lang),
      summary: pick(row.summary, req.lang),
    });
  }
  res.render('benefits/views/list', { pageTitle: req.t('benefits.title'), groups });
}

async function renderBenefit(deps: BenefitsDeps, req: Request, res: Response): Promise<void> {
  const slug = String(req.params.slug);
  const row = SLUG.test(slug)
    ? await cached(deps, `detail:${slug}`, () => findPublishedBenefit(deps.db, slug))
    : undefined;
  if (!row) throw new NotFoundError();
  const md = (value: BenefitRowField) => {
    const text = pick(row[value], req.lang);
    return text ? renderMarkdown(text) : '';
  };
  res.render('benefits/views/detail', {
    pageTitle: pick(row.title, req.lang),
    benefit: {
      title: pick(row.title, req.lang),
      summary: pick(row.summary, req.lang),
      category: pick(row.category_name, req.lang),
      sections: [
        { id: 'eligibility', heading: req.t('benefits.eligibility'), html: md('eligibility_md') },
        { id: 'documents', heading: req.t('benefits.documents'), html: md('documents_md') },
        { id: 'how-to-apply', heading: req.t('benefits.howToApply'), html: md('how_to_apply_md') },
        { id: 'deadlines', heading: req.t('benefits.deadlines'), html: md('deadlines_md') },
        { id: 'contact', heading: req.t('benefits.contact'), html: md('contact_md') },
      ].filter((section) => section.html),
      links: row.links.map((link) => ({ label: pick(link.label, req.lang), url: link.url })),
    },
  });
}

type BenefitRowField =
  'eligibility_md' | 'documents_md' | 'how_to_apply_md' | 'deadlines_md' | 'contact_md';

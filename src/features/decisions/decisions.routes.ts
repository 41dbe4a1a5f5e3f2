import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../../services.ts';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { isEmptyDate } from '../../lib/dates.ts';
import { escapeHtml, formatDate, highlight, markCuts, truncate } from '../../lib/format.ts';
import { idParam } from '../../lib/params.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { renderDecisionsFeed } from './decisions.feed.ts';
import {
  FRAGMENT_DELIMITER,
  MARK_END,
  MARK_START,
  type DecisionListRow,
  type DecisionRow,
} from './decisions.repository.ts';
import { filterParams, parseDecisionQuery } from './decisions.schemas.ts';
import { PAGE_SIZE } from './decisions.service.ts';

const FEED_SIZE = 50;

function queryString(params: [string, string][], page?: number): string {
  const search = new URLSearchParams(params);
  if (page && page > 1) search.set('page', String(page));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Strips the search engine's match markers, leaving the text it quoted. */
const unmarked = (text: string) => text.split(MARK_START).join('').split(MARK_END).join('');

/**
 * The list a decision was opened from, as the query string its links carry in `back`
 * (`q=…&year=2026&page=2`), or '' for the plain first page. Read back through the list's own
 * parser, so a forged value can only name a list.
 */
function backQuery(params: [string, string][], page: number): string {
  return queryString(params, page).slice(1);
}

export const DECISIONS_HUB_ENTRY: HubEntry = {
  id: 'decisions',
  href: '/decisions',
  titleKey: 'services.decisions.title',
  descriptionKey: 'services.decisions.description',
  access: 'public',
  navKey: 'nav.decisions',
};

/** The feed in the reader's language: a feed reader has no language cookie. */
const feedPath = (lang: string) => `/decisions/feed.atom${lang === 'en' ? '?lang=en' : ''}`;

export function createDecisionsRouter(deps: Deps, service: Services['decisions']): Router {
  const router = Router();

  const present = (row: DecisionRow | DecisionListRow, req: Request) => {
    const headlines = row as Partial<DecisionListRow>;
    return {
      id: row.id,
      href: `/decisions/${row.id}`,
      numberText: `${row.number}/${row.year}`,
      meetingDate: formatDate(row.meeting_date, req.lang),
      meetingDateIso: row.meeting_date,
      category: req.lang === 'en' ? row.category_name_en : row.category_name_el,
      subjectHtml: headlines.subject_headline
        ? highlight(headlines.subject_headline, MARK_START, MARK_END)
        : escapeHtml(row.subject),
      // An excerpt says where it was cut ('…'), as a shortened summary does.
      summaryHtml: headlines.summary_headline
        ? highlight(
            markCuts(headlines.summary_headline, row.summary, {
              fragments: FRAGMENT_DELIMITER.trim(),
              plain: unmarked,
            }),
            MARK_START,
            MARK_END,
          )
        : escapeHtml(truncate(row.summary, 280)),
    };
  };

  router.get('/decisions', async (req: Request, res: Response) => {
    const content = service.current();
    const [categories, years] = await Promise.all([content.categories(), content.years()]);
    const parsed = parseDecisionQuery(req.query, new Set(categories.map((c) => c.slug)));
    // A filter with an error is not half applied: the page shows the error and no results
    // until it is corrected (GOV.UK's pattern), rather than a list that looks filtered.
    const invalid = parsed.errors.length > 0;
    const result = invalid
      ? { rows: [], total: 0, capped: false, page: 1, pages: 1, pageOutOfRange: false }
      : await content.search(parsed.filters, parsed.page);
    const listParams = filterParams(parsed.filters);
    // Past the last page: the last page, at its own address.
    if (result.pageOutOfRange && !result.capped) {
      res.redirect(302, `/decisions${queryString(listParams, result.pages)}`);
      return;
    }
    // Presented rows (dates, highlights) depend only on the cached result and the language.
    const presented = invalid
      ? []
      : await content.derived(
          `search-view:${req.lang}:${JSON.stringify([parsed.filters, parsed.page])}`,
          () => Promise.resolve(result.rows.map((row) => present(row, req))),
        );
    // Each result leads back to this list ("Back to decisions" keeps the search).
    const back = backQuery(listParams, result.page);
    const results = back
      ? presented.map((row) => ({ ...row, href: `${row.href}?back=${encodeURIComponent(back)}` }))
      : presented;
    const errors = parsed.errors.map((e) => ({
      href: e.href,
      text: req.t(e.key, { ...e.params, ...(e.labelKey ? { field: req.t(e.labelKey) } : {}) }),
      field: e.field,
    }));
    const { values, filters } = parsed;
    const anyTyped = [values.q, values.year, values.category, values.from, values.to].some(
      (value) => (typeof value === 'string' ? value : !isEmptyDate(value)),
    );
    const activeFilters = [filters.year, filters.category, filters.from, filters.to].filter(
      Boolean,
    ).length;
    res.render('decisions/list', {
      pageTitle: req.t('decisions.title'),
      values,
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      categories: categories.map((c) => ({
        slug: c.slug,
        name: req.lang === 'en' ? c.name_en : c.name_el,
      })),
      years,
      results,
      total: result.total,
      capped: result.capped,
      page: result.page,
      pages: result.pages,
      firstNumber: (result.page - 1) * PAGE_SIZE + 1,
      invalid,
      pageNotice: result.pageOutOfRange ? req.t('decisions.errors.pageTooDeep') : '',
      filtered: anyTyped,
      activeFilters,
      // Each form carries what the other one applies, so searching keeps the filters and back.
      searchHidden: filterParams(filters, { except: 'q' }),
      filtersHidden: filterParams(filters, { except: 'filters' }),
      pageHref: (page: number) => `/decisions${queryString(listParams, page)}`,
      feedUrl: feedPath(req.lang),
    });
  });

  router.get('/decisions/feed.atom', async (req: Request, res: Response) => {
    const latest = await service.current().latest(FEED_SIZE);
    res.type('application/atom+xml; charset=utf-8');
    res.send(
      renderDecisionsFeed(latest, {
        baseUrl: deps.config.baseUrl,
        lang: req.lang,
        title: req.t('decisions.feedTitle', {
          name:
            req.lang === 'en' ? deps.config.MUNICIPALITY_NAME_EN : deps.config.MUNICIPALITY_NAME_EL,
        }),
      }),
    );
  });

  /** The list a decision page was opened from (its `back` parameter), or the plain list. */
  const listFrom = async (req: Request) => {
    const back = typeof req.query.back === 'string' ? req.query.back.slice(0, 1000) : '';
    if (!back) return { href: '/decisions', back: '' };
    const categories = await service.current().categories();
    const parsed = parseDecisionQuery(
      Object.fromEntries(new URLSearchParams(back)),
      new Set(categories.map((c) => c.slug)),
    );
    if (parsed.errors.length) return { href: '/decisions', back: '' };
    const params = filterParams(parsed.filters);
    const query = backQuery(params, parsed.page);
    return { href: `/decisions${queryString(params, parsed.page)}`, back: query };
  };

  router.get('/decisions/:id', async (req: Request, res: Response) => {
    const { decision, related } = await service.current().detail(idParam(req));
    const list = await listFrom(req);
    const withBack = (href: string) =>
      list.back ? `${href}?back=${encodeURIComponent(list.back)}` : href;
    res.render('decisions/detail', {
      pageTitle: `${decision.number}/${decision.year}: ${truncate(decision.subject, 60)}`,
      decision: {
        ...present(decision, req),
        subject: decision.subject,
        summary: decision.summary,
        ada: decision.ada,
        adaUrl: decision.ada
          ? `https://diavgeia.gov.gr/doc/${encodeURIComponent(decision.ada)}`
          : null,
        documentHref: decision.document_file ? `/decisions/${decision.id}/document` : null,
      },
      related: related.map((row) => {
        const item = present(row, req);
        return { ...item, href: withBack(item.href) };
      }),
      backHref: list.href,
    });
  });

  router.get('/decisions/:id/document', async (req: Request, res: Response, next: NextFunction) => {
    const { decision } = await service.current().detail(idParam(req));
    if (!decision.document_file) throw new NotFoundError();
    const filename = `apofasi-${decision.number}-${decision.year}.pdf`;
    // `headers` are set only once the file has been found; a missing file leaves none behind.
    // The upload folder may sit under a dot-folder (the default `.data/uploads`): the stored
    // name is generated (never typed), so allowing dot-folders exposes nothing.
    res.sendFile(
      deps.documents.pathOf(decision.document_file),
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
  });

  return router;
}

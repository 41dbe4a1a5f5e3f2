import type { Request, Response } from 'express';
import { isEmptyDate } from '../../lib/dates.ts';
import { truncate } from '../../lib/format.ts';
import { idParam } from '../../lib/params.ts';
import type { CategoryRow } from './decisions.repository.ts';
import { backQuery, feedPath, presentDecision, queryString } from './decisions.present.ts';
import { filterParams, parseDecisionQuery, type ParsedDecisionQuery } from './decisions.schemas.ts';
import { PAGE_SIZE, type DecisionsService } from './decisions.service.ts';

type SearchResult = Awaited<ReturnType<ReturnType<DecisionsService['current']>['search']>>;
type PresentedDecision = ReturnType<typeof presentDecision>;

const NO_RESULTS: SearchResult = {
  rows: [],
  total: 0,
  capped: false,
  page: 1,
  pages: 1,
  pageOutOfRange: false,
};

/** /decisions: the register, searched and filtered, a page at a time. */
export async function renderDecisionList(
  service: DecisionsService,
  req: Request,
  res: Response,
): Promise<void> {
  const content = service.current();
  const [categories, years] = await Promise.all([content.categories(), content.years()]);
  const parsed = parseDecisionQuery(req.query, new Set(categories.map((c) => c.slug)));
  // A filter with an error is not half applied: the page shows the error and no results
  // until it is corrected (GOV.UK's pattern), rather than a list that looks filtered.
  const invalid = parsed.errors.length > 0;
  const result = invalid ? NO_RESULTS : await content.search(parsed.filters, parsed.page);
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
        () => Promise.resolve(result.rows.map((row) => presentDecision(row, req.lang))),
      );
  // Each result leads back to this list ("Back to decisions" keeps the search).
  const back = backQuery(listParams, result.page);
  const results = back
    ? presented.map((row) => ({ ...row, href: `${row.href}?back=${encodeURIComponent(back)}` }))
    : presented;
  res.render('decisions/views/list', {
    ...listView(req, parsed, categories, result),
    years,
    results,
    pageHref: (page: number) => `/decisions${queryString(listParams, page)}`,
  });
}

/** The list page's form (values, errors, what each form carries) and counts. */
function listView(
  req: Request,
  parsed: ParsedDecisionQuery,
  categories: CategoryRow[],
  result: SearchResult,
) {
  const errors = parsed.errors.map((e) => ({
    href: e.href,
    text: req.t(e.key, { ...e.params, ...(e.labelKey ? { field: req.t(e.labelKey) } : {}) }),
    field: e.field,
  }));
  const { values, filters } = parsed;
  const anyTyped = [values.q, values.year, values.category, values.from, values.to].some((value) =>
    typeof value === 'string' ? value : !isEmptyDate(value),
  );
  const activeFilters = [filters.year, filters.category, filters.from, filters.to].filter(
    Boolean,
  ).length;
  return {
    pageTitle: req.t('decisions.title'),
    values,
    errors,
    fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
    categories: categories.map((c) => ({
      slug: c.slug,
      name: req.lang === 'en' ? c.name_en : c.name_el,
    })),
    total: result.total,
    capped: result.capped,
    page: result.page,
    pages: result.pages,
    firstNumber: (result.page - 1) * PAGE_SIZE + 1,
    invalid: parsed.errors.length > 0,
    pageNotice: result.pageOutOfRange ? req.t('decisions.errors.pageTooDeep') : '',
    filtered: anyTyped,
    activeFilters,
    // Each form carries what the other one applies, so searching keeps the filters and back.
    searchHidden: filterParams(filters, { except: 'q' }),
    filtersHidden: filterParams(filters, { except: 'filters' }),
    feedUrl: feedPath(req.lang),
  };
}

/** The list a decision page was opened from (its `back` parameter), or the plain list. */
async function listFrom(service: DecisionsService, req: Request) {
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
}

/** /decisions/:id: one published decision, the others of its meeting, and the way back. */
export async function renderDecision(
  service: DecisionsService,
  req: Request,
  res: Response,
): Promise<void> {
  const { decision, related } = await service.current().detail(idParam(req));
  const list = await listFrom(service, req);
  const withBack = (item: PresentedDecision) =>
    list.back ? { ...item, href: `${item.href}?back=${encodeURIComponent(list.back)}` } : item;
  res.render('decisions/views/detail', {
    pageTitle: `${decision.number}/${decision.year}: ${truncate(decision.subject, 60)}`,
    decision: {
      ...presentDecision(decision, req.lang),
      subject: decision.subject,
      summary: decision.summary,
      ada: decision.ada,
      adaUrl: decision.ada
        ? `https://diavgeia.gov.gr/doc/${encodeURIComponent(decision.ada)}`
        : null,
      documentHref: decision.document_file ? `/decisions/${decision.id}/document` : null,
    },
    related: related.map((row) => withBack(presentDecision(row, req.lang))),
    backHref: list.href,
  });
}

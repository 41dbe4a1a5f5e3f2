import type { Db } from '../../db/knex.ts';
import type { ContentCache } from '../../lib/content-cache.ts';
import { NotFoundError } from '../../lib/errors.ts';
import {
  countPublishedDecisions,
  decisionYears,
  findPublishedDecision,
  latestPublishedDecisions,
  listDecisionCategories,
  listPublishedDecisions,
  listSameMeeting,
  searchPublishedDecisions,
  type DecisionFilters,
} from './decisions.repository.ts';

export const PAGE_SIZE = 20;
/** Counting a plain list stops here; deeper pages are reached by narrowing the search. */
export const COUNT_CAP = 2000;

async function searchPage(db: Db, filters: DecisionFilters, requestedPage: number) {
  const page = (p: number) => ({ limit: PAGE_SIZE, offset: (p - 1) * PAGE_SIZE });
  if (filters.q) {
    const q = filters.q;
    let found = await searchPublishedDecisions(db, { ...filters, q }, page(requestedPage));
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const pageOutOfRange = requestedPage > pages;
    if (pageOutOfRange && found.total > 0)
      found = await searchPublishedDecisions(db, { ...filters, q }, page(pages));
    return {
      rows: found.rows,
      total: found.total,
      capped: false,
      page: Math.min(requestedPage, pages),
      pages,
      pageOutOfRange,
    };
  }
  const total = await countPublishedDecisions(db, filters, COUNT_CAP);
  const capped = total > COUNT_CAP;
  const pages = Math.max(1, Math.ceil(Math.min(total, COUNT_CAP) / PAGE_SIZE));
  const pageOutOfRange = requestedPage > pages;
  const current = Math.min(requestedPage, pages);
  const rows = total === 0 ? [] : await listPublishedDecisions(db, filters, page(current));
  return { rows, total: Math.min(total, COUNT_CAP), capped, page: current, pages, pageOutOfRange };
}

async function detail(db: Db, id: number) {
  const decision = await findPublishedDecision(db, id);
  if (!decision) throw new NotFoundError();
  return { decision, related: await listSameMeeting(db, decision) };
}

/** Read access to published decisions, through the content cache. */
export function createDecisionsService(db: Db, cache: ContentCache) {
  return {
    current() {
      const memo = <T>(key: string, load: () => Promise<T>) => cache.get(`decisions:${key}`, load);
      return {
        categories: () => memo('categories', () => listDecisionCategories(db)),
        years: () => memo('years', () => decisionYears(db)),
        search: (filters: DecisionFilters, page: number) =>
          memo(`search:${JSON.stringify([filters, page])}`, () => searchPage(db, filters, page)),
        detail: (id: number) => memo(`detail:${id}`, () => detail(db, id)),
        /** Anything computed from this version's data, e.g. rows formatted for one language. */
        derived: <T>(key: string, compute: () => Promise<T>) => memo(`derived:${key}`, compute),
        latest: (limit: number) =>
          memo(`latest:${limit}`, () => latestPublishedDecisions(db, limit)),
      };
    },
  };
}

export type DecisionsService = ReturnType<typeof createDecisionsService>;

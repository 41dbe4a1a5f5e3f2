import type { Db } from '../../db/knex.ts';
import { NotFoundError } from '../../lib/errors.ts';
import {
  countPublishedDecisions,
  decisionYears,
  findPublishedDecision,
  listDecisionCategories,
  listPublishedDecisions,
  listSameMeeting,
  type DecisionFilters,
} from './decisions.repository.ts';

export const PAGE_SIZE = 20;
/** Counting stops here; deeper pages are reached by narrowing the search. */
export const COUNT_CAP = 2000;

export function createDecisionsService(db: Db) {
  return {
    categories: () => listDecisionCategories(db),
    years: () => decisionYears(db),

    async search(filters: DecisionFilters, requestedPage: number) {
      const total = await countPublishedDecisions(db, filters, COUNT_CAP);
      const capped = total > COUNT_CAP;
      const pages = Math.max(1, Math.ceil(Math.min(total, COUNT_CAP) / PAGE_SIZE));
      const pageOutOfRange = requestedPage > pages;
      const page = pageOutOfRange ? pages : requestedPage;
      const rows =
        total === 0
          ? []
          : await listPublishedDecisions(db, filters, {
              limit: PAGE_SIZE,
              offset: (page - 1) * PAGE_SIZE,
            });
      return { rows, total: Math.min(total, COUNT_CAP), capped, page, pages, pageOutOfRange };
    },

    async detail(id: number) {
      const decision = await findPublishedDecision(db, id);
      if (!decision) throw new NotFoundError();
      const related = await listSameMeeting(db, decision);
      return { decision, related };
    },
  };
}

export type DecisionsService = ReturnType<typeof createDecisionsService>;

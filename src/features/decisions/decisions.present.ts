import { escapeHtml, formatDate, highlight, markCuts, truncate } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import {
  FRAGMENT_DELIMITER,
  MARK_END,
  MARK_START,
  type DecisionListRow,
  type DecisionRow,
} from './decisions.repository.ts';

/** `?year=2026&page=2` for the list's parameters and page ('' for the plain first page). */
export function queryString(params: [string, string][], page?: number): string {
  const search = new URLSearchParams(params);
  if (page && page > 1) search.set('page', String(page));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The list a decision was opened from, as the query string its links carry in `back`
 * (`q=…&year=2026&page=2`), or '' for the plain first page. Read back through the list's own
 * parser, so a forged value can only name a list.
 */
export function backQuery(params: [string, string][], page: number): string {
  return queryString(params, page).slice(1);
}

/** The feed in the reader's language: a feed reader has no language cookie. */
export const feedPath = (lang: string) => `/decisions/feed.atom${lang === 'en' ? '?lang=en' : ''}`;

/** Strips the search engine's match markers, leaving the text it quoted. */
const unmarked = (text: string) => text.split(MARK_START).join('').split(MARK_END).join('');

/** A decision as a list or a page shows it: its number, date and category, its text escaped (and highlighted). */
export function presentDecision(row: DecisionRow | DecisionListRow, lang: Lang) {
  const headlines = row as Partial<DecisionListRow>;
  return {
    id: row.id,
    href: `/decisions/${row.id}`,
    numberText: `${row.number}/${row.year}`,
    meetingDate: formatDate(row.meeting_date, lang),
    meetingDateIso: row.meeting_date,
    category: lang === 'en' ? row.category_name_en : row.category_name_el,
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
}

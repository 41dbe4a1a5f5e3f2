import { renderAtomFeed } from '../../lib/atom.ts';
import type { Lang } from '../../lib/localized.ts';
import type { DecisionRow } from './decisions.repository.ts';

/**
 * An Atom (RFC 4287) feed of the latest published decisions. The feed speaks the reader's
 * language; the decisions' own text is Greek in both, and says so.
 */
export function renderDecisionsFeed(
  rows: DecisionRow[],
  options: { baseUrl: string; title: string; lang: Lang },
): string {
  const query = options.lang === 'en' ? '?lang=en' : '';
  return renderAtomFeed({
    lang: options.lang,
    title: options.title,
    selfUrl: `${options.baseUrl}/decisions/feed.atom${query}`,
    alternateUrl: `${options.baseUrl}/decisions${query}`,
    entries: rows.map((row) => {
      const url = `${options.baseUrl}/decisions/${row.id}`;
      return {
        id: url,
        title: `${row.number}/${row.year}: ${row.subject}`,
        href: url + query,
        updated: row.updated_at,
        published: row.published_at ?? row.updated_at,
        category: {
          term: row.category_slug,
          label: options.lang === 'en' ? row.category_name_en : row.category_name_el,
        },
        summary: row.summary,
        lang: 'el',
      };
    }),
  });
}

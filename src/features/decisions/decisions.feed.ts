import { escapeHtml } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import type { DecisionRow } from './decisions.repository.ts';

/**
 * XML 1.0 allows tab, line feed, carriage return and the code points from U+0020 up, except the
 * surrogates, U+FFFE and U+FFFF. Anything else (a U+0001 pasted into a subject, a lone surrogate)
 * makes the whole feed unreadable, and no escape can stand for it, so it is left out.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const xml = (text: string) => escapeHtml(text.replace(NOT_XML_CHAR, ''));

/**
 * An Atom (RFC 4287) feed of the latest published decisions. The feed speaks the reader's
 * language; the decisions' own text is Greek in both, and says so.
 */
export function renderDecisionsFeed(
  rows: DecisionRow[],
  options: { baseUrl: string; title: string; lang: Lang },
): string {
  const query = options.lang === 'en' ? '?lang=en' : '';
  const feedUrl = `${options.baseUrl}/decisions/feed.atom${query}`;
  const greek = options.lang === 'el' ? '' : ' xml:lang="el"';
  const updated = rows.reduce<Date>(
    (latest, row) => (row.updated_at > latest ? row.updated_at : latest),
    new Date(0),
  );
  const entries = rows.map((row) => {
    const url = `${options.baseUrl}/decisions/${row.id}`;
    const category = options.lang === 'en' ? row.category_name_en : row.category_name_el;
    return `  <entry>
    <id>${xml(url)}</id>
    <title${greek}>${xml(`${row.number}/${row.year}: ${row.subject}`)}</title>
    <link rel="alternate" type="text/html" href="${xml(url + query)}"/>
    <updated>${row.updated_at.toISOString()}</updated>
    <published>${(row.published_at ?? row.updated_at).toISOString()}</published>
    <category term="${xml(row.category_slug)}" label="${xml(category)}"/>
    <summary type="text"${greek}>${xml(row.summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${options.lang}">
  <id>${xml(feedUrl)}</id>
  <title>${xml(options.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xml(feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${options.baseUrl}/decisions${query}`)}"/>
  <updated>${updated.toISOString()}</updated>
  <author><name>${xml(options.title)}</name></author>
${entries.join('\n')}
</feed>
`;
}

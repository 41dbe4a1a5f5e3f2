import { escapeHtml } from '../../lib/format.ts';
import type { DecisionRow } from './decisions.repository.ts';

const xml = escapeHtml;

/** An Atom (RFC 4287) feed of the latest published decisions. */
export function renderDecisionsFeed(
  rows: DecisionRow[],
  options: { baseUrl: string; title: string },
): string {
  const feedUrl = `${options.baseUrl}/decisions/feed.atom`;
  const updated = rows.reduce<Date>(
    (latest, row) => (row.updated_at > latest ? row.updated_at : latest),
    new Date(0),
  );
  const entries = rows.map((row) => {
    const url = `${options.baseUrl}/decisions/${row.id}`;
    return `  <entry>
    <id>${xml(url)}</id>
    <title>${xml(`${row.number}/${row.year}: ${row.subject}`)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <updated>${row.updated_at.toISOString()}</updated>
    <published>${(row.published_at ?? row.updated_at).toISOString()}</published>
    <category term="${xml(row.category_slug)}" label="${xml(row.category_name_el)}"/>
    <summary type="text">${xml(row.summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="el">
  <id>${xml(feedUrl)}</id>
  <title>${xml(options.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xml(feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${options.baseUrl}/decisions`)}"/>
  <updated>${updated.toISOString()}</updated>
  <author><name>${xml(options.title)}</name></author>
${entries.join('\n')}
</feed>
`;
}

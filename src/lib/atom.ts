import { escapeHtml } from './format.ts';
import type { Lang } from './localized.ts';

/**
 * XML 1.0 allows tab, line feed, carriage return and the code points from U+0020 up, except the
 * surrogates, U+FFFE and U+FFFF. Anything else (a U+0001 pasted into a subject, a lone surrogate)
 * makes the whole feed unreadable, and no escape can stand for it, so it is left out.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const xml = (text: string) => escapeHtml(text.replace(NOT_XML_CHAR, ''));

export interface AtomEntry {
  /** A permanent address: the item's page without the language. */
  id: string;
  title: string;
  /** The page a reader opens (in the feed's language). */
  href: string;
  updated: Date;
  published: Date;
  category?: { term: string; label: string };
  summary: string;
  /** The language of the title and summary, when not the feed's (Greek text in an English feed). */
  lang?: Lang;
}

/** An Atom (RFC 4287) feed in one language, its entries as given (newest first). */
export function renderAtomFeed(feed: {
  lang: Lang;
  title: string;
  /** The feed's own address, which is also its id. */
  selfUrl: string;
  /** The page the feed follows (the list). */
  alternateUrl: string;
  entries: readonly AtomEntry[];
}): string {
  const updated = feed.entries.reduce<Date>(
    (latest, entry) => (entry.updated > latest ? entry.updated : latest),
    new Date(0),
  );
  const entries = feed.entries.map((entry) => {
    const lang = entry.lang && entry.lang !== feed.lang ? ` xml:lang="${entry.lang}"` : '';
    const category = entry.category
      ? `\n    <category term="${xml(entry.category.term)}" label="${xml(entry.category.label)}"/>`
      : '';
    return `  <entry>
    <id>${xml(entry.id)}</id>
    <title${lang}>${xml(entry.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(entry.href)}"/>
    <updated>${entry.updated.toISOString()}</updated>
    <published>${entry.published.toISOString()}</published>${category}
    <summary type="text"${lang}>${xml(entry.summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${feed.lang}">
  <id>${xml(feed.selfUrl)}</id>
  <title>${xml(feed.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xml(feed.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(feed.alternateUrl)}"/>
  <updated>${updated.toISOString()}</updated>
  <author><name>${xml(feed.title)}</name></author>
${feed.entries.length ? `${entries.join('\n')}\n` : ''}</feed>
`;
}

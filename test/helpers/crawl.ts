import * as cheerio from 'cheerio';
import { validatePages } from './html-validation.ts';

/**
 * A newcomer's walk over a running portal: from the home page in both languages, every same-site
 * link and every GET form (filled with a common word) is followed once. It reports what a person
 * would see as broken: an error status behind a link, a "PDF" that is not one, text that betrays
 * a bug (NaN, undefined, [object Object], a raw i18n key), and pages html-validate rejects.
 */
export interface CrawlReport {
  pages: string[];
  problems: string[];
  /** How many PDF documents were fetched (and found to be PDFs). */
  pdfs: number;
}

const BAD_TEXT = /\bNaN\b|\bundefined\b|\[object Object\]/;
const RAW_KEY = /^[a-z]+(?:\.[a-zA-Z]+){2,}$/;

/** A keep-alive socket the server has just closed fails the first try: one retry, then a problem. */
export async function fetchOnce(url: string): Promise<Response> {
  try {
    return await fetch(url, { redirect: 'manual' });
  } catch {
    return fetch(url, { redirect: 'manual' });
  }
}

export async function crawl(
  base: string,
  options: { maxPages?: number; searchWord?: string } = {},
): Promise<CrawlReport> {
  const maxPages = options.maxPages ?? 300;
  const word = options.searchWord ?? 'έγκριση';
  const queue: { url: string; from: string }[] = [
    { url: `${base}/`, from: 'start' },
    { url: `${base}/?lang=en`, from: 'start' },
  ];
  const seen = new Set<string>();
  const problems: string[] = [];
  const html: { url: string; html: string }[] = [];
  let pdfs = 0;
  while (queue.length && seen.size < maxPages) {
    const { url, from } = queue.shift()!;
    // Page 3, 4… of a list add nothing page 2 did not show.
    const key = url.replace(/([?&])page=([3-9]|\d{2,})(&|$)/, '$1page=N$3');
    if (seen.has(key)) continue;
    seen.add(key);
    const path = url.slice(base.length) || '/';
    const res = await fetchOnce(url);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (location) queue.push({ url: new URL(location, url).href, from: path });
      continue;
    }
    if (res.status >= 400) {
      problems.push(`${path} answered ${res.status} (linked from ${from})`);
      continue;
    }
    const type = res.headers.get('content-type') ?? '';
    const body = Buffer.from(await res.arrayBuffer());
    if (type.includes('pdf')) {
      if (!body.subarray(0, 5).toString('latin1').startsWith('%PDF'))
        problems.push(`${path} claims to be a PDF but is not one`);
      else pdfs += 1;
      continue;
    }
    if (!type.includes('html')) continue;
    const text = body.toString('utf8');
    html.push({ url: path, html: text });
    const $ = cheerio.load(text);
    $('script, style').remove();
    const visible = $('body').text().replace(/\s+/g, ' ');
    const bad = BAD_TEXT.exec(visible);
    if (bad) problems.push(`${path} shows "${bad[0]}"`);
    $('body *')
      .contents()
      .each((_, node) => {
        const data = 'data' in node && typeof node.data === 'string' ? node.data.trim() : '';
        if (node.nodeType === 3 && RAW_KEY.test(data))
          problems.push(`${path} shows the raw key "${data}"`);
      });
    for (const link of $('a[href]').toArray()) {
      const target = new URL($(link).attr('href')!, url);
      if (target.origin !== new URL(base).origin || target.pathname === '/logout') continue;
      target.hash = '';
      queue.push({ url: target.href, from: path });
    }
    for (const form of $('form').toArray()) {
      if (($(form).attr('method') ?? 'get').toLowerCase() !== 'get') continue;
      const params = new URLSearchParams();
      let hasText = false;
      $(form)
        .find('input[name]')
        .each((_, input) => {
          const type = ($(input).attr('type') ?? 'text').toLowerCase();
          const name = $(input).attr('name')!;
          if ((type === 'text' || type === 'search') && !hasText && !/day|month|year/.test(name)) {
            params.set(name, word);
            hasText = true;
          } else if (type === 'hidden') params.set(name, $(input).attr('value') ?? '');
        });
      if (hasText)
        queue.push({
          url: `${new URL($(form).attr('action') ?? path, url).href}?${params}`,
          from: path,
        });
    }
  }
  const invalid = await validatePages(html);
  problems.push(...invalid);
  return { pages: [...seen], problems, pdfs };
}

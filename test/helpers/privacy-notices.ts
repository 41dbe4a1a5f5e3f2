import * as cheerio from 'cheerio';
import type { RenderedPage } from './html-validation.ts';

/**
 * Field names that carry personal data: who someone is, how to reach them, where they live, what
 * they wrote or sent, their needs. A citizen's form with one of them must show its privacy notice
 * (views/partials/privacy-notice.ejs: what, why, for how long, who sees it).
 */
const PERSONAL_FIELD =
  /^(full_?name|name|first_?name|last_?name|email|new_?email|phone|afm|driver_?afm|street|number|postcode|city|address|post_?address|postal_?address|description|text|comment|message|what|photos?|files?|documents?|needs_?other|sign_?language|lip_?reading|other_?text)$/i;

/** Back-office and development pages are staff's tools, not forms citizens fill in. */
const NOT_CITIZEN_PAGES = /^(GET|POST) \/(staff|dev)(\/|$|\?)/;

/** Pages with a citizen's form that collects personal data and no privacy notice beside it. */
export function formsWithoutNotice(pages: readonly RenderedPage[]): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    if (NOT_CITIZEN_PAGES.test(page.url)) continue;
    const $ = cheerio.load(page.html);
    const personal = $('form[method="post"], form[method="POST"]')
      .find('input, textarea, select')
      .filter((_i, field) => {
        const type = $(field).attr('type');
        return type !== 'hidden' && PERSONAL_FIELD.test($(field).attr('name') ?? '');
      })
      .map((_i, field) => $(field).attr('name'))
      .get();
    if (personal.length && !$('.privacy-notice').length)
      problems.push(
        `${page.url}: a form collects ${[...new Set(personal)].join(', ')} with no privacy notice`,
      );
  }
  return problems;
}

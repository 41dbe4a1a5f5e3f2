import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const allowed: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'p',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'a',
    'br',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'blockquote',
    'code',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['https', 'http', 'mailto', 'tel'],
  // GOV.UK Frontend classes, so content looks like the rest of the page.
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { class: 'govuk-link' }),
    p: sanitizeHtml.simpleTransform('p', { class: 'govuk-body' }),
    ul: sanitizeHtml.simpleTransform('ul', { class: 'govuk-list govuk-list--bullet' }),
    ol: sanitizeHtml.simpleTransform('ol', { class: 'govuk-list govuk-list--number' }),
    h2: sanitizeHtml.simpleTransform('h2', { class: 'govuk-heading-m' }),
    h3: sanitizeHtml.simpleTransform('h3', { class: 'govuk-heading-s' }),
    table: sanitizeHtml.simpleTransform('table', { class: 'govuk-table' }),
  },
  allowedClasses: { '*': ['govuk-*'] },
};

/** Markdown written by staff, rendered to HTML that is safe to put on a page. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(marked.parse(source) as string, allowed);
}

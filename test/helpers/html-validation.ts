import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';
import { HtmlValidate } from 'html-validate';

/**
 * Every HTML page the tests render goes through html-validate (a validator we did not write):
 * the test context collects each page as the app sends it and checks them all when it closes.
 * Pages that differ only in their per-response tokens are checked once.
 */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    // GOV.UK Frontend's own markup uses these; they are style, not validity.
    'no-inline-style': 'off',
    'prefer-native-element': 'off',
    'no-trailing-whitespace': 'off',
    'attribute-boolean-style': 'off',
    'attribute-empty-style': 'off',
    'no-redundant-role': 'off',
    'long-title': 'off',
    'prefer-tbody': 'off',
    'valid-id': ['error', { relaxed: true }],
    // Checkboxes of one question share a name (roles=editor&roles=clerk).
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
  },
});

export interface RenderedPage {
  url: string;
  html: string;
}

/** A body as text: a string, or the bytes of a page kept rendered (compressed as they go out). */
function pageText(body: unknown, encoding: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (!Buffer.isBuffer(body)) return undefined;
  if (encoding === 'br') return brotliDecompressSync(body).toString();
  if (encoding === 'gzip') return gunzipSync(body).toString();
  return encoding === undefined ? body.toString() : undefined;
}

export function createHtmlCollector(): { middleware: RequestHandler; pages: RenderedPage[] } {
  const pages: RenderedPage[] = [];
  const seen = new Set<string>();
  const middleware: RequestHandler = (req, res, next) => {
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      const html = pageText(body, res.getHeader('Content-Encoding'));
      if (html?.trimStart().startsWith('<!DOCTYPE html>')) {
        const key = createHash('sha1')
          .update(html.replace(/value="[^"]{20,}"|nonce="[^"]+"|nonce-[A-Za-z0-9+/=]+/g, ''))
          .digest('hex');
        if (!seen.has(key)) {
          seen.add(key);
          pages.push({ url: `${req.method} ${req.originalUrl.slice(0, 120)}`, html });
        }
      }
      return send(body);
    }) as typeof res.send;
    next();
  };
  return { middleware, pages };
}

/** The validator's findings over the collected pages, one line each (empty when all are valid). */
export async function validatePages(pages: readonly RenderedPage[]): Promise<string[]> {
  const problems: string[] = [];
  for (const page of pages) {
    const report = await validator.validateString(page.html);
    for (const result of report.results)
      for (const message of result.messages)
        problems.push(
          `${page.url}: ${message.ruleId} at ${message.line}:${message.column}: ${message.message}`,
        );
  }
  return problems;
}

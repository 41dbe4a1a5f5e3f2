import type { Request } from 'express';
import type { Config } from '../../../config.ts';
import { letterheadOf, renderDocumentPdf, type PdfBlock } from '../../../lib/pdf.ts';
import { plainText, type ManualSection } from './manual.content.ts';

/**
 * The manual to print: the title, every section's heading and text, lists as numbered or bulleted
 * lines, and each link's address written out. The screenshots stay on the web page.
 */
function manualBlocks(
  req: Request,
  sections: readonly ManualSection[],
  baseUrl: string,
): PdfBlock[] {
  const t = req.t;
  const blocks: PdfBlock[] = [
    { kind: 'heading', text: t('kep.manual.title') },
    { kind: 'paragraph', text: t('kep.manual.lead') },
    { kind: 'paragraph', text: t('kep.manual.pdf.online', { url: `${baseUrl}/kep/manual` }) },
  ];
  for (const section of sections) {
    blocks.push({ kind: 'heading', level: 2, text: section.heading });
    for (const block of section.blocks) {
      switch (block.kind) {
        case 'paragraph':
          blocks.push({ kind: 'paragraph', text: plainText(block.parts) });
          break;
        case 'subheading':
          blocks.push({ kind: 'paragraph', bold: true, text: block.text });
          break;
        case 'bullets':
        case 'steps':
          for (const [i, item] of block.items.entries())
            blocks.push({
              kind: 'paragraph',
              text: `${block.kind === 'steps' ? `${i + 1}.` : '•'} ${plainText(item)}`,
            });
          break;
        case 'link':
          blocks.push({ kind: 'paragraph', text: `${block.text}: ${baseUrl}${block.href}` });
          break;
        case 'figure':
          break;
      }
    }
  }
  return blocks;
}

/** The printable manual in the request's language. */
export function renderManualPdf(
  config: Readonly<Config>,
  req: Request,
  sections: readonly ManualSection[],
): Promise<Buffer> {
  const letterhead = letterheadOf(config, req.lang, req.t('kep.manual.pdf.country'));
  return renderDocumentPdf({
    lang: req.lang,
    title: req.t('kep.manual.title'),
    subject: req.t('kep.manual.lead'),
    author: letterhead.name,
    letterhead,
    pageLabel: (page, pages) => req.t('kep.manual.pdf.page', { page, pages }),
    blocks: manualBlocks(req, sections, config.baseUrl),
  });
}

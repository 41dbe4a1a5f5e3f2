import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  letterheadOf,
  renderDocumentPdf,
  renderTextPdf,
  type PdfBlock,
} from '../../src/lib/pdf.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pdf-document-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdffonts', pdf: Buffer, ...args: string[]) {
  const file = path.join(dir, `${(n += 1)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync(tool, tool === 'pdftotext' ? [...args, file, '-'] : [file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const letterhead = letterheadOf(
  {
    MUNICIPALITY_NAME_EL: 'Δήμος Ιεράπετρας',
    MUNICIPALITY_NAME_EN: 'Municipality of Ierapetra',
    MUNICIPALITY_WEBSITE: 'https://www.example.gov.gr',
    MUNICIPALITY_BRAND_COLOUR: '#0b4f71',
  },
  'el',
  'ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ',
);

const table = (rows: number): PdfBlock => ({
  kind: 'table',
  columns: [
    { header: 'Περιγραφή οφειλής', width: 3 },
    { header: 'Ποσό', width: 1, align: 'right' },
  ],
  rows: Array.from({ length: rows }, (_v, i) => [`Γραμμή ${i + 1} ψάρι`, `${i},00 €`]),
  footer: ['Σύνολο', '999,00 €'],
});

const render = (blocks: PdfBlock[], lang: 'el' | 'en' = 'el') =>
  renderDocumentPdf({
    lang,
    title: 'Βεβαίωση δοκιμής',
    author: letterhead.name,
    subject: 'Δοκιμή',
    letterhead,
    blocks,
    pageLabel: (page, pages) =>
      lang === 'el' ? `Σελίδα ${page} από ${pages}` : `Page ${page} of ${pages}`,
  });

describe('renderDocumentPdf: the shared official document', () => {
  it('prints the letterhead from the config, headings and paragraphs as extractable Greek text', async () => {
    const pdf = await render([
      { kind: 'heading', text: 'Βεβαίωση δοκιμής' },
      { kind: 'facts', rows: [['ΑΦΜ', '123456789']] },
      { kind: 'heading', level: 2, text: 'Ενότητα δεύτερη' },
      { kind: 'paragraph', text: 'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.' },
    ]);
    const text = poppler('pdftotext', pdf);
    for (const part of [
      'ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ',
      'Δήμος Ιεράπετρας',
      'https://www.example.gov.gr',
      'ΑΦΜ: 123456789',
      'Ενότητα δεύτερη',
      'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.',
      'Σελίδα 1 από 1',
    ])
      expect(text).toContain(part);
  });

  it('is tagged, in its language, with title, author and embedded fonts', async () => {
    const pdf = await render([{ kind: 'paragraph', text: 'Κείμενο' }, table(3)]);
    const info = poppler('pdfinfo', pdf);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toMatch(/Title:\s+Βεβαίωση δοκιμής/);
    expect(info).toMatch(/Author:\s+Δήμος Ιεράπετρας/);
    expect(info).toMatch(/Subject:\s+Δοκιμή/);
    const fonts = poppler('pdffonts', pdf).split('\n').slice(2).filter(Boolean);
    expect(fonts).toHaveLength(2);
    for (const line of fonts) expect(line).toMatch(/DejaVuSans.*\byes\s+yes\s+yes\b/);
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/Lang (el-GR)');
    expect(raw).toContain('/DisplayDocTitle true');
    for (const tag of ['/Document', '/P', '/Table', '/TR', '/TH', '/TD'])
      expect(raw).toContain(`/S ${tag}`);
    expect(raw).toContain('/Scope /Column');
    const en = (await render([{ kind: 'paragraph', text: 'Text' }], 'en')).toString('latin1');
    expect(en).toContain('/Lang (en-GB)');
  });

  it('continues a long table on new pages with its header row again and numbers every page', async () => {
    const pdf = await render([{ kind: 'heading', text: 'Πίνακας' }, table(120)]);
    const pages = Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', pdf))?.[1]);
    expect(pages).toBeGreaterThan(1);
    const text = poppler('pdftotext', pdf);
    expect(text.split('Περιγραφή οφειλής').length - 1).toBe(pages);
    for (let page = 1; page <= pages; page += 1)
      expect(text).toContain(`Σελίδα ${page} από ${pages}`);
    expect(text).toContain('Γραμμή 120 ψάρι');
    expect(text).toContain('999,00 €');
    // Each page's text is its own: the footer label sits on the page it numbers.
    const lastPage = poppler('pdftotext', pdf, '-f', String(pages), '-l', String(pages));
    expect(lastPage).toContain(`Σελίδα ${pages} από ${pages}`);
    expect(lastPage).toContain('Περιγραφή οφειλής');
  });
});

describe('documents made one after another (fonts parsed once per process)', () => {
  it('keep every character extractable, Latin and Greek look-alikes included', async () => {
    const document = (text: string) =>
      renderDocumentPdf({
        lang: 'el',
        title: 'Έγγραφο',
        author: 'Δήμος',
        letterhead,
        blocks: [{ kind: 'paragraph', text }],
        pageLabel: (page, pages) => `${page}/${pages}`,
      });
    // Each letter used first in one document and again in the next ones.
    const texts = [
      'ΕΛΛΗΝΙΚΗ ΗΚΜΡΕΒ abc',
      'Κωδικός: YLFM-4SP2-74EF HKMPEB',
      'FHY7-ASZ4-WLGK Μανωλάκης',
      'U9HU-QD9B-8YPL ΗΜΕΡΑ',
    ];
    for (const round of [1, 2])
      for (const text of texts) {
        const extracted = poppler('pdftotext', await document(text)).replace(/\s+/g, ' ');
        expect(extracted, `round ${round}`).toContain(text);
      }
  });
});

describe('renderTextPdf: the plain document its users already have', () => {
  it('still writes its title and sections', async () => {
    const pdf = await renderTextPdf({
      title: 'Απόφαση 12/2026',
      author: 'Δήμος Ιεράπετρας',
      sections: [{ heading: 'Θέμα', text: 'Ασφαλτόστρωση οδού' }],
    });
    const text = poppler('pdftotext', pdf);
    expect(text).toContain('Απόφαση 12/2026');
    expect(text).toContain('Ασφαλτόστρωση οδού');
  });
});

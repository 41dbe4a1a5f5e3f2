import PDFDocument from 'pdfkit';
import { create as createFont, type Font } from 'fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Lang } from './localized.ts';

const require = createRequire(import.meta.url);
// DejaVu Sans has every Greek glyph (pdfkit's built-in fonts have none).
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

/**
 * The fonts, read and parsed once per process and shared by every document (pdfkit takes a
 * fontkit font as well as a file): parsing DejaVu again for each PDF was most of its time.
 * Each document still embeds its own subset.
 */
let fonts: { regular: Font; bold: Font } | undefined;
function sharedFonts(): { regular: Font; bold: Font } {
  const read = (file: string) => createFont(readFileSync(path.join(fontDir, file))) as Font;
  fonts ??= { regular: read('DejaVuSans.ttf'), bold: read('DejaVuSans-Bold.ttf') };
  return fonts;
}

/** A document that knows our two fonts by name (and starts in the regular one, not Helvetica). */
function newDocument(options: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  const { regular, bold } = sharedFonts();
  // fontkit keeps each glyph with the characters it was first made for. One made without any (by
  // the subsetter, at an earlier document's end) would leave its text out of this document's
  // ToUnicode map: the text could not be copied or searched. Those are dropped (made again with
  // their characters); the parsed tables and the other glyphs stay shared.
  for (const font of [regular, bold]) {
    const glyphs = (font as unknown as { _glyphs: Record<string, { codePoints?: number[] }> })
      ._glyphs;
    for (const id of Object.keys(glyphs)) if (!glyphs[id]?.codePoints?.length) delete glyphs[id];
  }
  const doc = new PDFDocument({ ...options, font: regular as unknown as string });
  doc.registerFont(REGULAR, regular as unknown as string);
  doc.registerFont(BOLD, bold as unknown as string);
  return doc;
}

export interface PdfSection {
  heading?: string;
  text: string;
}

/** A plain A4 document: a title block and sections of text, in Greek or English. */
export function renderTextPdf(options: {
  title: string;
  subtitle?: string;
  sections: PdfSection[];
  author: string;
}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = newDocument({
      size: 'A4',
      margin: 56,
      info: { Title: options.title, Author: options.author },
      lang: 'el-GR',
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font(BOLD).fontSize(11).text(options.author, { align: 'center' });
    doc.moveDown();
    doc.font(BOLD).fontSize(15).text(options.title, { align: 'center' });
    if (options.subtitle)
      doc.font(REGULAR).fontSize(11).text(options.subtitle, { align: 'center' });
    doc.moveDown(1.5);
    for (const section of options.sections) {
      if (section.heading) doc.font(BOLD).fontSize(12).text(section.heading).moveDown(0.3);
      doc.font(REGULAR).fontSize(11).text(section.text, { align: 'justify' }).moveDown();
    }
    doc.end();
  });
}

/** Who issues the document, as its first page's head prints it. */
export interface Letterhead {
  /** The line above the name: "ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ" (from the caller's strings). */
  country: string;
  name: string;
  website: string;
  /** The rule under the head, in the municipality's colour. */
  colour: string;
}

/** The municipality's letterhead in a language, from the config (MUNICIPALITY_*). */
export function letterheadOf(
  config: Pick<
    Config,
    | 'MUNICIPALITY_NAME_EL'
    | 'MUNICIPALITY_NAME_EN'
    | 'MUNICIPALITY_WEBSITE'
    | 'MUNICIPALITY_BRAND_COLOUR'
  >,
  lang: Lang,
  country: string,
): Letterhead {
  return {
    country,
    name: lang === 'en' ? config.MUNICIPALITY_NAME_EN : config.MUNICIPALITY_NAME_EL,
    website: config.MUNICIPALITY_WEBSITE,
    colour: config.MUNICIPALITY_BRAND_COLOUR,
  };
}

export interface PdfColumn {
  header: string;
  /** Its share of the page's width (the shares of a table's columns are scaled to fill it). */
  width: number;
  align?: 'left' | 'right';
}

export type PdfBlock =
  | { kind: 'heading'; text: string; level?: 1 | 2 }
  | { kind: 'paragraph'; text: string; bold?: boolean }
  /** Label and value pairs (name, AFM, date), one a line. */
  | { kind: 'facts'; rows: readonly (readonly [string, string])[] }
  /**
   * An image (a QR code) with lines of text beside it: the image is a Figure with its alternative
   * text, the lines are paragraphs. Kept together on one page.
   */
  | {
      kind: 'figure';
      /** A picture (PNG or JPEG), or a square grid of dark cells (a QR code's modules) drawn as vectors. */
      image: Buffer | { cells: readonly (readonly boolean[])[] };
      size: number;
      alt: string;
      lines: readonly string[];
    }
  /** Its header row is printed again at the top of each page it continues on. */
  | {
      kind: 'table';
      columns: readonly PdfColumn[];
      rows: readonly (readonly string[])[];
      /** A last row in bold (totals). */
      footer?: readonly string[];
    };

export interface DocumentPdfOptions {
  lang: Lang;
  title: string;
  author: string;
  subject?: string;
  letterhead: Letterhead;
  blocks: readonly PdfBlock[];
  /** "Σελίδα 1 από 2": the caller's strings. */
  pageLabel: (page: number, pages: number) => string;
  layout?: 'portrait' | 'landscape';
}

const MARGIN = 40;
const FOOTER_SPACE = 28;
const CELL_PAD = 3;
const TABLE_SIZE = 8;

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/**
 * An official A4 document (statements now, certificates next): the municipality's letterhead,
 * headings, paragraphs and tables, "page N of M" on every page, Greek text in embedded DejaVu
 * fonts (subset), and a tagged structure (H1/H2, P, Table/TR/TH/TD; rules, a table's header
 * printed again on a later page and the page numbers as artifacts), in the document's language,
 * with its title shown by viewers, so a screen reader reads it as the page reads.
 */
export function renderDocumentPdf(options: DocumentPdfOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = newDocument({
      size: 'A4',
      layout: options.layout ?? 'portrait',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_SPACE },
      bufferPages: true,
      tagged: true,
      pdfVersion: '1.7',
      displayTitle: true,
      lang: options.lang === 'en' ? 'en-GB' : 'el-GR',
      info: {
        Title: options.title,
        Author: options.author,
        ...(options.subject ? { Subject: options.subject } : {}),
        Creator: options.author,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      const root = doc.struct('Document');
      doc.addStructure(root);
      drawLetterhead(doc, root, options.letterhead);
      for (const block of options.blocks) drawBlock(doc, root, block);
      root.end();
      drawPageFurniture(doc, options);
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

function drawLetterhead(doc: Doc, root: Struct, head: Letterhead): void {
  const left = doc.page.margins.left;
  root.add(
    doc.struct('P', {}, () => {
      doc.font(REGULAR).fontSize(9).fillColor('#000000').text(head.country, left, MARGIN);
      doc.font(BOLD).fontSize(14).text(head.name);
      doc.font(REGULAR).fontSize(9).text(head.website);
    }),
  );
  const y = doc.y + 6;
  doc.markContent('Artifact', { type: 'Layout' });
  doc
    .save()
    .lineWidth(2)
    .strokeColor(head.colour)
    .moveTo(left, y)
    .lineTo(left + contentWidth(doc), y)
    .stroke()
    .restore();
  doc.endMarkedContent();
  doc.x = left;
  doc.y = y + 16;
}

function drawBlock(doc: Doc, root: Struct, block: PdfBlock): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  switch (block.kind) {
    case 'heading': {
      const level = block.level ?? 1;
      ensureRoom(doc, 40);
      root.add(
        doc.struct(`H${level}`, {}, () => {
          doc
            .font(BOLD)
            .fontSize(level === 1 ? 15 : 12)
            .text(block.text, left, doc.y, { width });
        }),
      );
      doc.moveDown(0.4);
      return;
    }
    case 'paragraph':
      root.add(
        doc.struct('P', {}, () => {
          doc
            .font(block.bold ? BOLD : REGULAR)
            .fontSize(10)
            .text(block.text, left, doc.y, { width });
        }),
      );
      doc.moveDown(0.6);
      return;
    case 'facts':
      for (const [label, value] of block.rows)
        root.add(
          doc.struct('P', {}, () => {
            doc.font(BOLD).fontSize(10).text(`${label}: `, left, doc.y, { continued: true });
            doc.font(REGULAR).text(value);
          }),
        );
      doc.moveDown(0.6);
      return;
    case 'figure': {
      const lineHeight = 14;
      ensureRoom(doc, Math.max(block.size, block.lines.length * lineHeight) + 8);
      const top = doc.y;
      root.add(
        doc.struct('Figure', { alt: block.alt }, () => {
          if (Buffer.isBuffer(block.image))
            doc.image(block.image, left, top, { width: block.size, height: block.size });
          else drawCells(doc, block.image.cells, left, top, block.size);
        }),
      );
      const textLeft = left + block.size + 14;
      doc.y = top + 4;
      for (const line of block.lines)
        root.add(
          doc.struct('P', {}, () => {
            doc
              .font(REGULAR)
              .fontSize(9)
              .text(line, textLeft, doc.y, { width: width - block.size - 14 });
          }),
        );
      doc.x = left;
      doc.y = Math.max(doc.y, top + block.size) + 10;
      return;
    }
    case 'table':
      drawTable(doc, root, block);
      doc.x = left;
      doc.moveDown(0.8);
      return;
  }
}

/** A grid of dark cells in a square of `size` points (a QR code: sharp at any zoom, no image to embed). */
function drawCells(
  doc: Doc,
  cells: readonly (readonly boolean[])[],
  left: number,
  top: number,
  size: number,
): void {
  const cell = size / cells.length;
  doc.save().fillColor('#000000');
  for (const [row, line] of cells.entries())
    for (const [column, dark] of line.entries())
      if (dark) doc.rect(left + column * cell, top + row * cell, cell, cell);
  doc.fill().restore();
}

/** A new page when less than `height` is left on this one. */
function ensureRoom(doc: Doc, height: number): boolean {
  if (doc.y + height <= doc.page.height - doc.page.margins.bottom) return false;
  doc.addPage();
  return true;
}

function drawTable(doc: Doc, root: Struct, table: Extract<PdfBlock, { kind: 'table' }>): void {
  const left = doc.page.margins.left;
  const total = table.columns.reduce((sum, column) => sum + column.width, 0);
  const widths = table.columns.map((column) => (column.width / total) * contentWidth(doc));
  const headers = table.columns.map((column) => column.header);
  const heightOf = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(TABLE_SIZE);
    return (
      Math.max(
        ...cells.map((text, i) => doc.heightOfString(text, { width: widths[i]! - 2 * CELL_PAD })),
      ) +
      2 * CELL_PAD
    );
  };
  const drawRow = (
    cells: readonly string[],
    options: {
      font: string;
      shade?: boolean;
      artifact?: boolean;
      cell: (i: number, draw: () => void) => void;
    },
  ) => {
    const height = heightOf(cells, options.font);
    const top = doc.y;
    // Artifacts do not nest (pdfkit closes the open one): a row that is all artifact draws its
    // lines inside that one.
    if (!options.artifact) doc.markContent('Artifact', { type: 'Layout' });
    if (options.shade)
      doc.save().rect(left, top, contentWidth(doc), height).fill('#eeeeee').restore();
    doc
      .save()
      .lineWidth(0.5)
      .strokeColor('#999999')
      .moveTo(left, top + height)
      .lineTo(left + contentWidth(doc), top + height)
      .stroke()
      .restore();
    if (!options.artifact) doc.endMarkedContent();
    let x = left;
    for (const [i, text] of cells.entries()) {
      const cellX = x;
      options.cell(i, () => {
        doc
          .font(options.font)
          .fontSize(TABLE_SIZE)
          .fillColor('#000000')
          .text(text, cellX + CELL_PAD, top + CELL_PAD, {
            width: widths[i]! - 2 * CELL_PAD,
            align: table.columns[i]!.align ?? 'left',
          });
      });
      x += widths[i]!;
    }
    doc.x = left;
    doc.y = top + height;
  };
  const headerHeight = heightOf(headers, BOLD);
  ensureRoom(doc, headerHeight + heightOf(table.rows[0] ?? headers, REGULAR));
  const tableStruct = doc.struct('Table');
  root.add(tableStruct);
  const structRow = (cells: readonly string[], type: 'TH' | 'TD', font: string, shade = false) => {
    const row = doc.struct('TR');
    tableStruct.add(row);
    drawRow(cells, {
      font,
      shade,
      cell: (_i, draw) =>
        // pdfkit writes a TH's scope (its types do not list it yet).
        row.add(doc.struct(type, (type === 'TH' ? { scope: 'Column' } : {}) as object, draw)),
    });
    row.end();
  };
  structRow(headers, 'TH', BOLD, true);
  const body = table.footer ? [...table.rows, table.footer] : table.rows;
  for (const [index, cells] of body.entries()) {
    const font = table.footer && index === body.length - 1 ? BOLD : REGULAR;
    if (ensureRoom(doc, heightOf(cells, font))) {
      // The header again, for the reader of this page; a screen reader has it already.
      doc.markContent('Artifact', { type: 'Pagination' });
      drawRow(headers, { font: BOLD, shade: true, artifact: true, cell: (_i, draw) => draw() });
      doc.endMarkedContent();
    }
    structRow(cells, 'TD', font);
  }
  tableStruct.end();
}

/** Every page's number, at its foot: an artifact. */
function drawPageFurniture(doc: Doc, options: DocumentPdfOptions): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i += 1) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    const left = doc.page.margins.left;
    const width = contentWidth(doc);
    doc.markContent('Artifact', { type: 'Pagination' });
    doc
      .font(REGULAR)
      .fontSize(8)
      .fillColor('#333333')
      .text(options.pageLabel(i - start + 1, count), left, doc.page.height - MARGIN - 10, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
  doc.switchToPage(start + count - 1);
}

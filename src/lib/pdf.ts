import PDFDocument from 'pdfkit';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
// DejaVu Sans has every Greek glyph (pdfkit's built-in fonts have none).
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = path.join(fontDir, 'DejaVuSans.ttf');
const BOLD = path.join(fontDir, 'DejaVuSans-Bold.ttf');

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
    const doc = new PDFDocument({
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

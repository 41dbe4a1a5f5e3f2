import { createReadStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

/**
 * Reading the CSV files Greek offices export (Excel, the financial system, the municipal roll):
 * `;` or `,` between fields, UTF-8 with or without a byte-order mark, or Windows-1253 (Excel's
 * "CSV" in a Greek Windows). The file is read as a stream, a record at a time, so a file of any
 * length stays in a few hundred kilobytes of memory.
 */

export type CsvEncoding = 'utf-8' | 'windows-1253';

export interface CsvRecord {
  /** The record's first line in the file (the header is line 1). */
  line: number;
  /** Field values by the header's names (lower case, trimmed). */
  values: Record<string, string>;
}

export interface CsvFile {
  encoding: CsvEncoding;
  delimiter: ';' | ',';
  /** The header's names, lower case and trimmed, in file order. */
  columns: string[];
  records: AsyncIterable<CsvRecord>;
}

/** A whole-file problem: the file cannot be read as a CSV at all (reason: an i18n-friendly code). */
export class CsvFileError extends Error {
  constructor(
    readonly reason: 'empty' | 'no_header' | 'unreadable',
    detail?: string,
  ) {
    super(detail ?? reason);
  }
}

const PEEK_BYTES = 64 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * UTF-8 when the start decodes as UTF-8 (a character cut at the end of the sample is allowed),
 * else Windows-1253: its Greek letters are bytes 0xC1–0xFE, which are never valid UTF-8 alone.
 */
export function detectEncoding(start: Buffer): CsvEncoding {
  if (start.subarray(0, 3).equals(BOM)) return 'utf-8';
  let end = start.length;
  // Step back over a multi-byte character the sample cut short.
  for (let back = 1; back <= 3 && end - back >= 0; back += 1) {
    const byte = start[end - back]!;
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(start.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'windows-1253';
  }
}

/** The header line decides: more `;` than `,` outside quotes means `;` (Excel with a Greek locale). */
export function detectDelimiter(headerLine: string): ';' | ',' {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  const semicolons = unquoted.split(';').length;
  const commas = unquoted.split(',').length;
  return semicolons >= commas ? ';' : ',';
}

/** Reads the first bytes of a stream and gives them back with the rest, unread. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; rest: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

/** Strips a UTF-8 byte-order mark at the start of the decoded text. */
function stripBom(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer | string, _encoding, callback: TransformCallback) {
      let text = chunk.toString();
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      callback(null, text);
    },
  });
}

/** Opens a CSV (a path or a stream): detects encoding and delimiter, reads the header. */
export async function openCsv(source: string | Readable): Promise<CsvFile> {
  const stream = typeof source === 'string' ? createReadStream(source) : source;
  const { head, rest } = await peek(stream, PEEK_BYTES);
  if (head.length === 0 || head.toString('latin1').trim() === '') throw new CsvFileError('empty');
  const encoding = detectEncoding(head);
  const headText = iconv.decode(head, encoding).replace(/^\uFEFF/, '');
  const headerLine = headText.split(/\r?\n/, 1)[0] ?? '';
  if (!headerLine.trim()) throw new CsvFileError('no_header');
  const delimiter = detectDelimiter(headerLine);
  const parser = rest.pipe(iconv.decodeStream(encoding)).pipe(stripBom()).pipe(
    parse({
      delimiter,
      bom: false,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }),
  );
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[];
    info: { lines: number };
  }>;
  let first: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw new CsvFileError('unreadable', (error as Error).message);
  }
  if (first.done) throw new CsvFileError('no_header');
  const columns = first.value.record.map((name) => name.trim().toLowerCase());
  // csv-parse counts a CRLF inside a quoted field as two lines: keep the surplus to take it off.
  let surplus = 0;
  async function* records(): AsyncGenerator<CsvRecord> {
    for (;;) {
      let next: IteratorResult<{ record: string[]; info: { lines: number } }>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new CsvFileError('unreadable', (error as Error).message);
      }
      if (next.done) return;
      const { record, info } = next.value;
      let breaks = 0;
      for (const field of record) {
        surplus += field.match(/\r\n/g)?.length ?? 0;
        breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
      }
      const values: Record<string, string> = {};
      for (const [i, name] of columns.entries()) values[name] = record[i] ?? '';
      // The record's first line: where it ended, less the line breaks inside its fields.
      yield { line: info.lines - surplus - breaks, values };
    }
  }
  return { encoding, delimiter, columns, records: records() };
}

import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CsvFileError, detectEncoding, openCsv, type CsvRecord } from '../../src/lib/csv.ts';

const TEXT =
  'Source_ID;ΑΦΜ;Περιγραφή\r\n\r\nΑ-1;102938470;"Τέλος; με ερωτηματικό"\r\nΑ-2;112233441;"Δύο\r\nγραμμές"\r\nΑ-3;203040507;Καθαριότητα ώς\r\n';

async function read(
  bytes: Buffer,
  chunk = 7,
): Promise<{ file: Awaited<ReturnType<typeof openCsv>>; rows: CsvRecord[] }> {
  // Small chunks: a Greek letter's two UTF-8 bytes often fall on either side of a chunk's end.
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const file = await openCsv(Readable.from(chunks));
  const rows: CsvRecord[] = [];
  for await (const record of file.records) rows.push(record);
  return { file, rows };
}

const EXPECTED = [
  { line: 3, values: { source_id: 'Α-1', αφμ: '102938470', περιγραφή: 'Τέλος; με ερωτηματικό' } },
  { line: 4, values: { source_id: 'Α-2', αφμ: '112233441', περιγραφή: 'Δύο\r\nγραμμές' } },
  { line: 6, values: { source_id: 'Α-3', αφμ: '203040507', περιγραφή: 'Καθαριότητα ώς' } },
];

describe('the shared CSV reader', () => {
  it('reads Windows-1253 with `;`, as Excel saves a CSV in Greek Windows', async () => {
    const { file, rows } = await read(iconv.encode(TEXT, 'windows-1253'));
    expect([file.encoding, file.delimiter]).toEqual(['windows-1253', ';']);
    expect(file.columns).toEqual(['source_id', 'αφμ', 'περιγραφή']);
    expect(rows).toEqual(EXPECTED);
  });

  it('reads UTF-8 with a byte-order mark, its letters split across chunks', async () => {
    const { file, rows } = await read(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]),
      3,
    );
    expect([file.encoding, file.delimiter, file.columns[0]]).toEqual(['utf-8', ';', 'source_id']);
    expect(rows).toEqual(EXPECTED);
  });

  it('reads UTF-8 without a mark and with commas', async () => {
    const commas = TEXT.replace('Source_ID;ΑΦΜ;', 'Source_ID,ΑΦΜ,').replace(/(Α-\d);(\d{9});/g, '$1,$2,');
    const { file, rows } = await read(Buffer.from(commas));
    expect([file.encoding, file.delimiter]).toEqual(['utf-8', ',']);
    expect(rows).toEqual(EXPECTED);
  });

  it('tells UTF-8 from Windows-1253 even when the sample ends inside a letter', () => {
    const greek = Buffer.from('Αγίου Νικολάου');
    expect(detectEncoding(greek.subarray(0, 3))).toBe('utf-8');
    expect(detectEncoding(iconv.encode('Αγίου Νικολάου', 'windows-1253'))).toBe('windows-1253');
    expect(detectEncoding(Buffer.from('plain ascii;only'))).toBe('utf-8');
  });

  it('refuses an empty file and a file with an unclosed quote, as whole-file problems', async () => {
    await expect(read(Buffer.from('  \r\n'))).rejects.toMatchObject({ reason: 'empty' });
    await expect(read(Buffer.from('a;b\r\n1;"open\r\n2;3\r\n'))).rejects.toBeInstanceOf(
      CsvFileError,
    );
  });
});

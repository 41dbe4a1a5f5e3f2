import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as cheerio from 'cheerio';
import jsqr from 'jsqr';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateRow } from '../../src/features/certificates/certificates.repository.ts';
import { formatVerificationCode } from '../../src/features/certificates/verification-code.ts';
import { newAgent } from '../helpers/accounts.ts';
import { issueInstantCertificate } from '../helpers/certificates.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const run = promisify(execFile);
// A CommonJS module whose types give the function as `default` (as Node's import also does).
const jsQR = jsqr.default;
/** A tool's output, whatever its exit status (qpdf says 3 for warnings). */
async function tool(command: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

// 15 June 2026, noon in Athens; moved on to see a certificate expire.
let now = new Date('2026-06-15T09:00:00Z');
let ctx: TestContext;
let work: string;
let certificate: CertificateRow;
let file: string;
let typeName: string;

beforeAll(async () => {
  ctx = await createTestContext(
    { BASE_URL: 'https://eservices.example.gr' },
    { clock: { now: () => now } },
  );
  work = await mkdtemp(path.join(tmpdir(), 'certificate-document-'));
  ({ certificate } = await issueInstantCertificate(ctx));
  file = ctx.deps.documents.pathOf(certificate.file_key);
  typeName = (
    (await ctx.db('certificate_types').where({ code: 'registration' }).first()) as {
      name_el: string;
    }
  ).name_el;
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await ctx.close();
});

/** A fresh client address: the verify pages count look-ups per address. */
const visitor = () => newAgent(ctx.app);
const statusOn = (html: string) => cheerio.load(html)('#certificate-status').text().trim();

describe('the issued certificate, read by outside tools', () => {
  it('bears a valid PAdES seal (pdfsig)', async () => {
    const { stdout } = await tool('pdfsig', [file]);
    expect(stdout).toContain('Signature is Valid.');
    expect(stdout).toContain('ETSI.CAdES.detached');
  });

  it('is a sound PDF (qpdf --check: no errors, no warnings)', async () => {
    const checked = await tool('qpdf', ['--check', file]);
    expect(checked.stderr).toBe('');
    expect(checked.stdout).not.toMatch(/WARNING/i);
    expect(checked.stdout).toContain('No syntax or stream encoding errors found');
    // Nothing but the summary lines (qpdf lists each problem on a line of its own).
    expect(checked.stdout.split('\n').filter((line) => /error/i.test(line))).toEqual([
      'No syntax or stream encoding errors found; the file may still contain',
      'errors that qpdf cannot detect',
    ]);
    expect(checked.code).toBe(0);
  });

  it('is tagged, with every font embedded, and its Greek text can be extracted', async () => {
    expect((await tool('pdfinfo', [file])).stdout).toMatch(/^Tagged:\s+yes$/m);
    const fonts = (await tool('pdffonts', [file])).stdout.trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) {
      // name type encoding emb sub uni object-id
      const match = /\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(line);
      expect(match?.[1], line).toBe('yes');
    }
    const { stdout: text } = await tool('pdftotext', [file, '-']);
    const squashed = text.replace(/\s+/g, ' ');
    expect(squashed).toContain('Γιώργος Μανωλάκης');
    expect(squashed).toContain(typeName);
    expect(squashed).toContain(formatVerificationCode(certificate.verification_code));
    expect(squashed).toContain(certificate.number);
  });

  it('has a QR code that leads to its verification page, which says it is valid', async () => {
    const prefix = path.join(work, 'page');
    const rendered = await tool('pdftoppm', [
      '-png',
      '-r',
      '150',
      '-f',
      '1',
      '-l',
      '1',
      file,
      prefix,
    ]);
    expect(rendered.code).toBe(0);
    const png = path.join(work, 'page-1.png');
    const { data, info } = await sharp(png)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const qr = jsQR(
      new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
      info.width,
      info.height,
    );
    const code = formatVerificationCode(certificate.verification_code);
    expect(qr?.data).toBe(`https://eservices.example.gr/verify/${code}`);
    const url = new URL(qr!.data);
    const res = await visitor().get(url.pathname);
    expect(res.status).toBe(200);
    expect(statusOn(res.text)).toBe('Σε ισχύ');
    expect(res.text).toContain(certificate.file_sha256);
  });
});

describe('the byte-for-byte comparison', () => {
  const compare = (content: Buffer) =>
    visitor()
      .post(`/verify/${formatVerificationCode(certificate.verification_code)}`)
      .attach('document', content, { filename: 'certificate.pdf', contentType: 'application/pdf' });

  it('says the stored file is the issued one, and the same file with one byte changed is not', async () => {
    const original = await readFile(file);
    const same = await compare(original);
    expect(same.status).toBe(200);
    expect(cheerio.load(same.text)('#comparison-result').attr('data-result')).toBe('same');

    const altered = Buffer.from(original);
    // A byte inside the page content, well away from the header and the end-of-file marker.
    const at = Math.floor(altered.length / 2);
    altered[at] = altered[at]! ^ 0x01;
    const copy = path.join(work, 'altered.pdf');
    await writeFile(copy, altered);
    const different = await compare(await readFile(copy));
    expect(different.status).toBe(200);
    expect(cheerio.load(different.text)('#comparison-result').attr('data-result')).toBe(
      'different',
    );
    expect(different.text).toContain('Το αρχείο δεν είναι αυτό που εκδόθηκε.');
  });
});

describe("the certificate's state on its verification page", () => {
  it('shows a revoked certificate as revoked, with the date and without the reason', async () => {
    const { application, path } = await issueInstantCertificate(ctx);
    expect(statusOn((await visitor().get(path)).text)).toBe('Σε ισχύ');
    await ctx.services.certificates.revoke(application.id, 'Λάθος στη μερίδα (εσωτερικό)', {
      userId: null,
    });
    const res = await visitor().get(path);
    expect(res.status).toBe(200);
    expect(statusOn(res.text)).toBe('Ανακλήθηκε');
    expect(res.text).toContain('ανακλήθηκε στις 15 Ιουνίου 2026');
    expect(res.text).not.toContain('Λάθος στη μερίδα');
    const english = await request(ctx.app)
      .get(path)
      .set('Cookie', 'lang=en')
      .set('X-Forwarded-For', '10.9.9.9');
    expect(statusOn(english.text)).toBe('Revoked');
    expect(english.text).toContain('revoked on 15 June 2026');
  });

  it('shows a certificate past its validity as expired', async () => {
    const path = `/verify/${formatVerificationCode(certificate.verification_code)}`;
    // Valid six months: until 15 December 2026, the last valid day.
    expect(certificate.valid_until).toBe('2026-12-15');
    now = new Date('2026-12-15T20:00:00Z');
    expect(statusOn((await visitor().get(path)).text)).toBe('Σε ισχύ');
    now = new Date('2026-12-16T09:00:00Z');
    const res = await visitor().get(path);
    expect(res.status).toBe(200);
    expect(statusOn(res.text)).toBe('Έληξε');
    expect(res.text).toContain('η ισχύς του έληξε στις 15 Δεκεμβρίου 2026');
    now = new Date('2026-06-15T09:00:00Z');
  });
});

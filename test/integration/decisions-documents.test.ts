import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { Router, type Response } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/lib/errors.ts';
import { renderTextPdf } from '../../src/lib/pdf.ts';
import { createDecision } from '../helpers/factories.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// The newcomer's setting: uploads under a dot-folder, like the default `.data/uploads`.
let root: string;
let ctx: TestContext;

/** A route that sets a download's headers and then fails, as a route may. */
function failingAfterHeaders() {
  const router = Router();
  const successHeaders = (res: Response) => {
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', 'attachment; filename="x.pdf"');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('ETag', '"abc"');
    res.setHeader('Last-Modified', new Date(0).toUTCString());
  };
  router.get('/test-fails/not-found', (_req, res) => {
    successHeaders(res);
    throw new NotFoundError();
  });
  router.get('/test-fails/crash', (_req, res) => {
    successHeaders(res);
    throw new Error('broken after the headers');
  });
  return { router };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'eservices-dot-'));
  ctx = await createTestContext(
    { UPLOAD_DIR: path.join(root, '.data', 'uploads') },
    { extraFeatures: [failingAfterHeaders()] },
  );
});
afterAll(async () => {
  await ctx?.close();
  await rm(root, { recursive: true, force: true });
});

/** An error page: HTML, never cached, and none of the download's headers. */
function expectCleanErrorPage(res: request.Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-disposition']).toBeUndefined();
  // Express tags the error page's own body; the route's tag must not survive.
  expect(res.headers.etag).not.toBe('"abc"');
  expect(res.headers['last-modified']).toBeUndefined();
  expect(cheerio.load(res.text)('h1').text().trim()).not.toBe('');
}

describe('decision PDFs stored under a dot-folder (the default .data/uploads)', () => {
  it('serves a published decision PDF with 200 and its bytes', async () => {
    const pdf = await renderTextPdf({
      author: 'Δήμος',
      title: 'Απόφαση 7/2026',
      sections: [{ text: 'Κείμενο της απόφασης' }],
    });
    const stored = await ctx.deps.documents.save(pdf);
    expect(ctx.deps.documents.pathOf(stored)).toContain(`${path.sep}.data${path.sep}`);
    const id = await createDecision(ctx.db, { number: 7, year: 2026, document_file: stored });

    const res = await request(ctx.app).get(`/decisions/${id}/document`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="apofasi-7-2026.pdf"');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    const body = res.body as Buffer;
    expect(body.subarray(0, 4).toString()).toBe('%PDF');
    expect(body.equals(pdf)).toBe(true);

    // The detail page links to it.
    const detail = cheerio.load((await request(ctx.app).get(`/decisions/${id}`)).text);
    expect(detail(`a[href="/decisions/${id}/document"]`).length).toBe(1);
  });

  it('answers a missing file with a 404 page that is neither a PDF nor publicly cached', async () => {
    const id = await createDecision(ctx.db, { document_file: `${randomUUID()}.pdf` });
    const res = await request(ctx.app).get(`/decisions/${id}/document`);
    expectCleanErrorPage(res, 404);
  });

  it('answers a decision without a document, or an unknown one, with the same clean 404', async () => {
    const id = await createDecision(ctx.db, { document_file: null });
    expectCleanErrorPage(await request(ctx.app).get(`/decisions/${id}/document`), 404);
    expectCleanErrorPage(await request(ctx.app).get('/decisions/999999/document'), 404);
  });
});

describe('the error handler', () => {
  it('drops the headers a route set before failing, for typed errors and crashes', async () => {
    expectCleanErrorPage(await request(ctx.app).get('/test-fails/not-found'), 404);
    expectCleanErrorPage(await request(ctx.app).get('/test-fails/crash'), 500);
  });

  it('marks ordinary error pages no-store too', async () => {
    expectCleanErrorPage(await request(ctx.app).get('/no-such-page'), 404);
  });
});

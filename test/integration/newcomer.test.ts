import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl, fetchOnce } from '../helpers/crawl.ts';
import { freePort } from '../helpers/free-port.ts';

/**
 * The portal as a newcomer starts it: `npm start` with no settings at all (the embedded database,
 * the default upload folder `.data/uploads`, no SMTP, demo data). Only the ports and the embedded
 * database's folder differ, so the test can run beside a portal someone already started.
 * Every other suite builds the app in-process with test settings; this one would have caught the
 * 404 behind every decision PDF and the "NaN" on every search.
 */
let portal: ChildProcess;
let base: string;
let pgDir: string;
let output = '';

beforeAll(async () => {
  pgDir = await mkdtemp(path.join(tmpdir(), 'eservices-newcomer-'));
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    EMBEDDED_PG_DIR: path.join(pgDir, 'postgres'),
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  portal = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env });
  portal.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  portal.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (portal.exitCode !== null) throw new Error(`the portal stopped:\n${output}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the portal did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 180_000);

afterAll(async () => {
  if (portal && portal.exitCode === null) {
    const exited = new Promise((resolve) => portal.once('exit', resolve));
    portal.kill('SIGTERM');
    await exited;
  }
  if (pgDir) await rm(pgDir, { recursive: true, force: true });
}, 60_000);

describe('the portal started with no settings, as a newcomer does', () => {
  it('has no broken link, no NaN/undefined, every PDF is a PDF, every page is valid HTML', async () => {
    const report = await crawl(base, { maxPages: 250 });
    expect(report.problems).toEqual([]);
    expect(report.pages.length).toBeGreaterThan(40);
    expect(report.pdfs).toBeGreaterThan(0);
  }, 240_000);

  it('a search with more than 20 results shows the count and a working page 2', async () => {
    for (const lang of ['el', 'en']) {
      const response = await fetchOnce(
        `${base}/decisions?q=${encodeURIComponent('έγκριση')}&lang=${lang}`,
      ).catch((error: unknown) => {
        throw new Error(`the portal did not answer (${String(error)}):\n${output.slice(-3000)}`);
      });
      const first = cheerio.load(await response.text());
      const main = first('main').text();
      expect(main).not.toMatch(/NaN|undefined/);
      // The demo data holds more than 20 decisions that mention έγκριση: the count says so.
      expect(Number(/(\d+) (αποφάσεις|decisions)/.exec(main)?.[1])).toBeGreaterThan(20);
      const items = first('main ol li, main .app-result').length;
      expect(items).toBeGreaterThan(0);
      const next = first('.govuk-pagination__next a').attr('href');
      expect(next, `page 2 link (${lang})`).toBeTruthy();
      const second = await fetchOnce(new URL(next!, base).href);
      expect(second.status).toBe(200);
      const page2 = cheerio.load(await second.text());
      expect(Number(page2('main ol').attr('start'))).toBe(21);
      expect(page2('main ol > li').length).toBeGreaterThan(0);
    }
  }, 60_000);
});

/**
 * npm run bench -- requests: the handler's queue on 200,000 requests (first page, one department,
 * one status) under autocannon against the bare-server ceiling, and citizens filing requests with
 * one 3 MB photo, 4 at a time, through the real multipart form.
 */
import os from 'node:os';
import sharp from 'sharp';
import type { Db } from '../src/db/knex.ts';
import { createDocumentStore } from '../src/lib/document-store.ts';
import { hashSecret } from '../src/lib/passwords.ts';
import { capture, load, startCeiling } from './pages.ts';
import { ok } from './report.ts';
import { benchHandler, generateRequests, REQUESTS, uploaders } from './requests-data.ts';
import { fileWithPhoto, type UploadResult } from './requests-upload.ts';
import { PROXY_HEADERS, signInOnce } from './sign-in.ts';

export const BARS = { queueP99: 100, queueRatio: 0.05, uploadP95: 500, rssMb: 250 };
const PASSWORD = 'bench handler and uploader password 2026';
const UPLOADERS = 40;
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 160);

export interface RequestsSetup {
  queuePath: string;
  department: string;
  accounts: string[];
  categoryIds: number[];
  count: number;
}

/** The data set and the accounts; before the app starts. */
export async function prepareRequests(db: Db, uploadDir: string): Promise<RequestsSetup> {
  console.log(`requests: ${REQUESTS.toLocaleString('en')} in SQL (once)…`);
  const count = await generateRequests(db);
  const hash = await hashSecret(PASSWORD);
  await benchHandler(db, hash);
  const store = createDocumentStore(uploadDir);
  const accounts = await uploaders(db, UPLOADERS, hash, (file) => store.remove(file));
  const technical = (await db('departments').where({ slug: 'technical' }).first('id', 'name')) as {
    id: number;
    name: { en: string };
  };
  const categoryIds = (await db('request_categories').pluck('id')) as number[];
  return {
    queuePath: `/staff/requests?department=${technical.id}&status=in_progress`,
    department: technical.name.en,
    accounts,
    categoryIds,
    count,
  };
}

export interface QueueResult {
  bytes: number;
  encoding: string;
  ceiling: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  ratio: number;
}

/** The queue page under 50 connections, signed in as the handler, and its ceiling. */
export async function queueRun(
  base: string,
  setup: RequestsSetup,
  options: { connections: number; duration: number; ceilingPort: number },
): Promise<QueueResult> {
  const cookie = await signInOnce(base, 'rqbench.handler', PASSWORD);
  const headers = { cookie, ...PROXY_HEADERS };
  await capture(`${base}${setup.queuePath}`, headers);
  const page = await capture(`${base}${setup.queuePath}`, headers);
  if (page.status !== 200) throw new Error(`the queue answered ${page.status}`);
  const bare = await startCeiling({ '/q': page }, '.data/bench-queue.json', options.ceilingPort);
  const ceilingUrl = `http://127.0.0.1:${options.ceilingPort}/q`;
  console.log('queue: ceiling…');
  await load(ceilingUrl, { connections: options.connections, duration: 2 });
  const ceiling = await load(ceilingUrl, options);
  bare.stop();
  console.log('queue: app…');
  await load(`${base}${setup.queuePath}`, { ...options, duration: 2, headers });
  const app = await load(`${base}${setup.queuePath}`, { ...options, headers });
  console.log(
    `  ${app.rps.toFixed(0)} req/s (ceiling ${ceiling.rps.toFixed(0)}), p99 ${app.p99} ms`,
  );
  return {
    ...app,
    bytes: page.body.length,
    encoding: page.headers['content-encoding'] ?? 'identity',
    ceiling: ceiling.rps,
    ratio: app.rps / ceiling.rps,
  };
}

/** A JPEG of about 3 MB: noise, so that it does not compress to less. */
export async function benchPhoto(): Promise<Buffer> {
  return sharp({
    create: {
      width: 2400,
      height: 1800,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 93 })
    .toBuffer();
}

/** 4 citizens at a time filing with a 3 MB photo, each account at most 10 (the daily limit). */
export async function uploadRun(base: string, setup: RequestsSetup): Promise<UploadResult> {
  const photo = await benchPhoto();
  console.log(
    `uploads: ${UPLOADS} requests with a ${(photo.length / 1e6).toFixed(1)} MB photo, 4 at a time…`,
  );
  return fileWithPhoto(base, {
    photo,
    password: PASSWORD,
    accounts: setup.accounts,
    categoryIds: setup.categoryIds,
    total: UPLOADS,
    concurrency: Number(process.env.BENCH_UPLOAD_CONCURRENCY ?? 4),
  });
}

export function requestsSection(
  setup: RequestsSetup,
  queue: QueueResult,
  queuePeak: number,
  upload: UploadResult,
  uploadPeak: number,
  connections: number,
  duration: number,
): string {
  const queuePass =
    queue.errors === 0 && queue.p99 < BARS.queueP99 && queue.ratio >= BARS.queueRatio;
  const uploadPass = upload.failures === 0 && upload.p95 < BARS.uploadP95;
  return `## Requests: the handler's queue and filing with a photo (bars: queue p99 < ${BARS.queueP99} ms and at least ${BARS.queueRatio} of the ceiling; upload p95 < ${BARS.uploadP95} ms; RSS < ${BARS.rssMb} MB)

${setup.count.toLocaleString('en')} requests made in SQL (two years, every category and status, ~3.5 events each) besides the 100,000 decisions.
The queue: \`${setup.queuePath}\` (${setup.department}, in progress, newest first, with the counts per status), as a
handler of every department, first page of 50; autocannon, ${connections} connections, ${duration} s after a 2 s warm-up; the
ceiling is the bare server answering with the bytes the app sent for that page.

| page | bytes sent | ceiling req/s | app req/s | p50 ms | p99 ms | ratio | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| Handler's queue (one department, one status) | ${queue.bytes.toLocaleString('en')} ${queue.encoding} | ${queue.ceiling.toFixed(0)} | ${queue.rps.toFixed(0)} | ${queue.p50} | ${queue.p99} | ${queue.ratio.toFixed(3)} | ${queue.errors} | ${ok(queuePass)} (≥ ${BARS.queueRatio}, p99 < ${BARS.queueP99}) |

Peak RSS during the queue run: **${queuePeak.toFixed(0)} MB**: ${ok(queuePeak < BARS.rssMb)}.
The queue is kept rendered per session, address, language and Athens day (the section's \`keptPages\`,
src/middleware/personal-pages.ts) in the work cache, which NOTIFY work_changed empties on any write to requests,
their categories, departments or handlers (migration 20261211090100_queue_notify): the run above is answered from
memory, as a handler's repeated views are between two changes. Rendering it afresh costs ~16 ms one at a time (four
queries, ~5 ms together: the list is an index scan of requests_queue_idx, the counts per status come from
\`request_counts\`, kept by triggers, under 1 ms instead of ~70 ms counted), i.e. ~135 req/s at ${connections}
connections on ${os.cpus().length} cores: the first view after each change pays it, the rest do not.

Filing: ${upload.filed} requests, each with one ${(upload.photoBytes / 1e6).toFixed(1)} MB JPEG (${upload.photoSize}, noise),
${upload.concurrency} citizens at a time, through the real steps (the location form, then the multipart details form with the
session's CSRF token); ${upload.accounts} accounts made in SQL, each filing at most 10 (the daily limit per account), each
from its own address (X-Forwarded-For, believed because the bench runs with \`TRUST_PROXY=1\` as behind the one proxy).
The multipart POST alone (upload, photo checked, turned, resized to 1,600 px, re-encoded and stripped, stored, request
filed, emails queued): p50 **${upload.p50.toFixed(0)} ms**, p95 **${upload.p95.toFixed(0)} ms**, max ${upload.max.toFixed(0)} ms, ${upload.perSecond.toFixed(1)} filings/s,
${upload.failures} failed: ${ok(uploadPass)}.
Peak RSS during the uploads: **${uploadPeak.toFixed(0)} MB**: ${ok(uploadPeak < BARS.rssMb)}.
Each photo costs ~60 ms of CPU in \`processPhoto\` alone (decode 2400×1800 of noise, resize to 1,600 px,
re-encode with plain libjpeg and its standard Huffman tables; optimised tables took twice that, mozjpeg 3–4×),
at most 2 at a time (PHOTO_MAX_CONCURRENT). At 2,048 px the same run gave p95 519–559 ms (the resize and the
encoding of 1.6× the pixels); at 1,600 px, twice what a page shows, 427–459 ms. Measured per thread during the run, one filing costs the machine ~250 ms of CPU: the app's
main thread ~110 ms (the four steps' pages, the multipart parse, sessions, the filing transaction, GC), libvips
~75 ms, the bench's own client ~55 ms, PostgreSQL the rest; with 4 citizens at once on 2 cores the POST waits for CPU
about as long as it works. BENCH_UPLOAD_CONCURRENCY=1 shows the POST alone: p50 ~130 ms.`;
}

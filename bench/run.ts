/**
 * npm run bench: the app in production mode on 100,000 decisions against a bare node:http server
 * that returns a pre-rendered page of the same size (this machine's ceiling), in the same run.
 * Writes docs/PERFORMANCE.md.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { createDb } from '../src/db/knex.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { generateBenchData } from './generate-decisions.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const DECISIONS = 100_000;
const UPLOAD_DIR = '.data/bench-uploads';

interface Row {
  name: string;
  path: string;
  rps: number;
  p50: number;
  p99: number;
  ratio: number;
  errors: number;
  non2xx: number;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${url}`);
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function load(url: string, connections = CONNECTIONS, duration = DURATION) {
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const database = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: () => Promise.resolve() }
  : await startEmbeddedPostgres({
      dataDir: '.data/bench-postgres',
      port: 54331,
      database: 'bench',
    });
const db = createDb(database.url, 2);
console.log('preparing the data set…');
await generateBenchData(db, DECISIONS, UPLOAD_DIR);
const decisionCount = Number(
  ((await db('decisions').count({ n: '*' }).first()) as { n: number }).n,
);
const sample = (await db('decisions')
  .where('status', 'published')
  .orderBy('id', 'desc')
  .first('id')) as { id: number };
await db.destroy();

const appPort = await freePort();
const app: ChildProcess = spawn(process.execPath, ['dist/src/server.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(appPort),
    DATABASE_URL: database.url,
    SESSION_SECRET: 'bench-'.repeat(8),
    UPLOAD_DIR,
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const logLines: string[] = [];
app.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
  for (const line of chunk.split('\n')) if (line.includes('"/decisions?q=')) logLines.push(line);
});
const base = `http://127.0.0.1:${appPort}`;
await waitFor(`${base}/readyz`);

const homeHtml = await (await fetch(`${base}/`)).text();
const bareHtml = Buffer.from(homeHtml);
const barePort = await freePort();
const bareSource = `const b=Buffer.from(${JSON.stringify(bareHtml.toString('base64'))},'base64');require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':b.length});s.end(b)}).listen(${barePort},'127.0.0.1')`;
const bare = spawn(process.execPath, ['-e', bareSource], { stdio: 'ignore' });
await waitFor(`http://127.0.0.1:${barePort}/`);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, rssMb(app.pid ?? 0));
}, 250);

console.log(`ceiling: bare node:http, ${bareHtml.length} bytes…`);
const ceiling = await load(`http://127.0.0.1:${barePort}/`);
bare.kill();

const word = 'προϋπολογισμού';
const targets = [
  { name: 'Home (e-services hub)', path: '/' },
  { name: 'Decisions list', path: '/decisions' },
  { name: `Decisions search («${word}»)`, path: `/decisions?q=${encodeURIComponent(word)}` },
  { name: 'Decision detail', path: `/decisions/${sample.id}` },
  { name: 'Benefits list', path: '/benefits' },
];
const rows: Row[] = [];
for (const target of targets) {
  await fetch(`${base}${target.path}`);
  console.log(`${target.name}…`);
  const r = await load(`${base}${target.path}`);
  rows.push({ ...target, ...r, ratio: r.rps / ceiling.rps });
}

// Server-side search time: one request at a time, several Greek words, timed by the app's own log (responseTime).
logLines.length = 0;
const words = [
  'προϋπολογισμός',
  'καθαριότητα',
  'ασφαλτόστρωση',
  'πολιτιστικών εκδηλώσεων',
  'αποφαση',
  'επιχορήγηση συλλόγου',
  'κυκλοφορίας',
  'ανακύκλωσης',
];
for (let i = 0; i < 400; i += 1) {
  const w = words[i % words.length] as string;
  await fetch(`${base}/decisions?q=${encodeURIComponent(w)}&page=${(i % 3) + 1}`).then((r) =>
    r.text(),
  );
}
await new Promise((r) => setTimeout(r, 300));
const times = logLines
  .map((line) => (JSON.parse(line) as { responseTime?: number }).responseTime)
  .filter((v): v is number => typeof v === 'number')
  .sort((a, b) => a - b);
const p95 = times[Math.floor(times.length * 0.95)] ?? NaN;
const p50s = times[Math.floor(times.length * 0.5)] ?? NaN;

clearInterval(sampler);
app.kill('SIGTERM');
await new Promise((r) => app.once('exit', r));
await database.stop();

const ok = (pass: boolean) => (pass ? 'pass' : '**FAIL**');
const table = rows
  .map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.ratio.toFixed(3)} | ${r.errors + r.non2xx} | ${ok(r.p99 < 100 && r.ratio >= 0.08)} |`,
  )
  .join('\n');
const report = `# Performance

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.
The app runs compiled (\`npm run build\`), \`NODE_ENV=production\`, one process, request logging on, against
PostgreSQL 17 (embedded) holding ${decisionCount.toLocaleString('en')} decisions. autocannon: ${CONNECTIONS} connections, ${DURATION} s per page, from the same machine.

The ceiling is a bare \`node:http\` server returning a pre-rendered copy of the home page (${bareHtml.length.toLocaleString('en')} bytes), measured in the same run:
**${ceiling.rps.toFixed(0)} req/s**, p50 ${ceiling.p50} ms, p99 ${ceiling.p99} ms.

## Public pages (bars: p99 < 100 ms and at least 0.08 of the ceiling's req/s)

| page | req/s | p50 ms | p99 ms | ratio to ceiling | errors | bar |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
${table}

## Search at the server (bar: p95 < 50 ms on 100,000 decisions)

${times.length} searches, one at a time, for ${words.length} Greek words and phrases (pages 1–3), timed by the app's own request log
(\`responseTime\`, from request to response inside the server): p50 **${p50s.toFixed(1)} ms**, p95 **${p95.toFixed(1)} ms**: ${ok(p95 < 50)}.

## Memory (bar: RSS < 250 MB)

Peak RSS of the app process during the whole run: **${peakRss.toFixed(0)} MB**: ${ok(peakRss < 250)}.
`;
await writeFile('docs/PERFORMANCE.md', report);
console.log(report);
process.exit(0);

/**
 * Page runs: each page under autocannon, against the app and against a bare node:http server
 * (another process) that answers with the very bytes the app sent for that page, compressed as the
 * app compressed them, with the same headers: this machine's ceiling for that response.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';

/** What the bench's clients accept, as browsers do. */
export const ACCEPT_ENCODING = { 'accept-encoding': 'gzip, br' };

export interface PageTarget {
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** The least share of the ceiling's req/s; null: reported, no bar. */
  bar: number | null;
  p99Bar: number | null;
  /** Each request a different URL (searches: none comes from a cache). */
  distinct?: (n: number) => string;
}

export interface PageRow extends PageTarget {
  bytes: number;
  encoding: string;
  ceiling: number;
  rps: number;
  p50: number;
  p99: number;
  ratio: number;
  errors: number;
  pass: boolean;
}

interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One response exactly as it crossed the wire (fetch would decompress it). */
export function capture(url: string, headers: Record<string, string> = {}): Promise<Captured> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { ...ACCEPT_ENCODING, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: replayable(res.headers),
          body: Buffer.concat(chunks),
        }),
      );
    }).on('error', reject);
  });
}

/** The headers a bare server can send again as they are. */
function replayable(headers: IncomingHttpHeaders): Record<string, string> {
  const skip = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'set-cookie']);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!skip.has(name) && value !== undefined) out[name] = String(value);
  return out;
}

/** The bare server, in a process of its own; answers every URL under `/<key>` with that page. */
export async function startCeiling(
  pages: Record<string, Captured>,
  file: string,
  port: number,
): Promise<{ stop: () => void }> {
  writeFileSync(
    file,
    JSON.stringify(
      Object.fromEntries(
        Object.entries(pages).map(([key, page]) => [
          key,
          { headers: page.headers, body: page.body.toString('base64') },
        ]),
      ),
    ),
  );
  const source = `const p=JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)},'utf8'));const b={};for(const k in p)b[k]={h:{...p[k].headers,'content-length':Buffer.from(p[k].body,'base64').length},x:Buffer.from(p[k].body,'base64')};require('node:http').createServer((q,s)=>{const e=b[q.url.split('?')[0]]||b[Object.keys(b)[0]];s.writeHead(200,e.h);s.end(e.x)}).listen(${port},'127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    try {
      await capture(`http://127.0.0.1:${port}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { stop: () => child.kill() };
}

export async function load(
  url: string,
  options: {
    connections: number;
    duration: number;
    headers?: Record<string, string>;
    distinct?: (n: number) => string;
    /** Headers of the n-th request besides `headers` (a client address each: X-Forwarded-For). */
    headersFor?: (n: number) => Record<string, string>;
  },
) {
  let n = 0;
  const { distinct, headersFor } = options;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    pipelining: 1,
    headers: { ...ACCEPT_ENCODING, ...options.headers },
    ...(distinct || headersFor
      ? {
          requests: [
            {
              method: 'GET' as const,
              setupRequest: (request) => {
                n += 1;
                return {
                  ...request,
                  ...(distinct ? { path: distinct(n) } : {}),
                  ...(headersFor ? { headers: { ...request.headers, ...headersFor(n) } } : {}),
                };
              },
            },
          ],
        }
      : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

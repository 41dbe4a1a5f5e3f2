import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { policyWithHashes } from './security-headers.ts';

/** A rendered page as every anonymous visitor gets it: its bytes (plain and compressed) and headers. */
export interface KeptPage {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  csp: string;
}

const INLINE_BLOCK = /<(script|style) nonce="([^"]*)">([\s\S]*?)<\/\1>/g;

/**
 * A body kept to be sent many times, compressed once and hard (gzip 9, br 6 in text mode): the
 * cost is paid when it is made, not on each answer.
 */
export function compressedOnce(identity: Buffer): { gzip: Buffer; br: Buffer } {
  return {
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: 6,
        [constants.BROTLI_PARAM_LGWIN]: brotliWindowFor(identity.length),
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
  };
}

/**
 * A rendered page made fit for everyone: the inline blocks the layout marked with this
 * response's nonce lose it and are allowed by their hashes instead. Only blocks carrying the
 * nonce are hashed (an injected <script> could not know it); a nonce used anywhere else leaves
 * the page unkept (undefined).
 */
export function keepPage(html: string, nonce: string, policy: string): KeptPage | undefined {
  if (!nonce || !policy.includes(`'nonce-${nonce}'`)) return undefined;
  const hashes = { script: [] as string[], style: [] as string[] };
  const shared = html.replace(
    INLINE_BLOCK,
    (block, tag: 'script' | 'style', blockNonce: string, body: string) => {
      if (blockNonce !== nonce) return block;
      hashes[tag].push(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
      return `<${tag}>${body}</${tag}>`;
    },
  );
  if (shared.includes(nonce)) return undefined;
  const identity = Buffer.from(shared);
  return {
    identity,
    ...compressedOnce(identity),
    etag: `W/"${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}"`,
    csp: policyWithHashes(policy, nonce, hashes),
  };
}

/**
 * The smallest brotli window that holds the whole page (2^16 to 2^22 bytes): the encoder's
 * buffers follow the window, and 4 MB each time for a 20 kB page would be memory the C allocator
 * keeps afterwards.
 */
export function brotliWindowFor(bytes: number): number {
  return Math.min(22, Math.max(16, Math.ceil(Math.log2(bytes + 16))));
}

/** What a kept page costs the cache budget. */
export const keptPageBytes = (page: KeptPage) =>
  page.identity.length +
  page.gzip.length +
  page.br.length +
  2 * (page.csp.length + page.etag.length);

/** br when the client takes it at least as gladly as gzip (as `compression` decides), then gzip. */
export function chooseEncoding(header: string | undefined): 'br' | 'gzip' | 'identity' {
  const q: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name) q[name] = qParam ? Number(qParam.slice(2)) || 0 : 1;
  }
  const of = (name: string) => q[name] ?? q['*'] ?? 0;
  if (of('br') > 0 && of('br') >= of('gzip')) return 'br';
  return of('gzip') > 0 ? 'gzip' : 'identity';
}

/** If-None-Match names this page (compared weakly, as for GET), and the client did not ask to skip caches. */
function notModified(req: IncomingMessage, etag: string): boolean {
  const wanted = req.headers['if-none-match'];
  if (!wanted || /(?:^|,)\s*no-cache\s*(?:,|$)/.test(req.headers['cache-control'] ?? ''))
    return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return wanted.trim() === '*' || wanted.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * Sends a kept page: the same headers whether it was just rendered or kept, and whichever path
 * (Express or the early answer) sends it. `write` sends the body (Express's send on the first
 * render, so instrumentation sees it).
 */
export function sendKeptPage(
  req: IncomingMessage,
  res: ServerResponse,
  page: KeptPage,
  write: (body: Buffer) => void,
  options: { personal?: boolean } = {},
): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', page.csp);
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
  // A page made for one session is never kept by a browser or proxy (as noStoreWithSession says).
  res.setHeader('Cache-Control', options.personal ? 'no-store' : 'no-cache');
  if (!options.personal) res.setHeader('ETag', page.etag);
  if (!options.personal && notModified(req, page.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  const body = page[encoding];
  res.setHeader('Content-Length', body.length);
  write(body);
}

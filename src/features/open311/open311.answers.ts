import type { Request, Response } from 'express';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { ContentCache } from '../../lib/content-cache.ts';
import { brotliWindowFor, chooseEncoding } from '../../middleware/kept-page.ts';

/** An answer ready to send again: its type and bytes, plain and (when worth it) compressed. */
export interface KeptAnswer {
  type: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** Below this a compressed body saves less than its headers cost (as compress-sent.ts). */
const THRESHOLD = 1024;

/**
 * Compressed once, as kept pages are (kept-page.ts): a list of 1,000 requests is ~600 kB of JSON,
 * which would cost ~10 ms of CPU to compress on every call.
 */
export function keepAnswer(type: string, text: string): KeptAnswer {
  const identity = Buffer.from(text);
  if (identity.length < THRESHOLD) return { type, identity };
  return {
    type,
    identity,
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

const answerBytes = (answer: KeptAnswer) =>
  answer.identity.length + (answer.gzip?.length ?? 0) + (answer.br?.length ?? 0);

/**
 * Answers kept by key in a notified cache (the work cache: NOTIFY work_changed empties it on any
 * write to requests, categories, departments), charged their bytes to its budget. Callers asking
 * for the same key while it is being made share the one making, unless a change was heard since
 * it began (then they make their own, which sees the change). While the cache cannot hear changes
 * nothing is kept or shared. (Kept with peek/put rather than `get`: `get` sizes a value by its
 * JSON, which for Buffers is four times their bytes.)
 */
export function createAnswerCache(cache: ContentCache) {
  const making = new Map<string, { generation: number; answer: Promise<KeptAnswer> }>();
  return (key: string, make: () => Promise<KeptAnswer>): Promise<KeptAnswer> => {
    if (!cache.isListening()) return make();
    const kept = cache.peek<KeptAnswer>(key);
    if (kept) return Promise.resolve(kept);
    const generation = cache.generation();
    const pending = making.get(key);
    if (pending?.generation === generation) return pending.answer;
    const entry = {
      generation,
      answer: make().then((answer) => {
        cache.put(key, answer, answerBytes(answer), generation);
        return answer;
      }),
    };
    making.set(key, entry);
    const done = () => {
      if (making.get(key) === entry) making.delete(key);
    };
    entry.answer.then(done, done);
    return entry.answer;
  };
}

/** A kept answer in the encoding the client takes best (br, gzip, or none), with its headers. */
export function keptAnswerResponse(
  acceptEncoding: string | undefined,
  answer: KeptAnswer,
): { status: number; headers: Record<string, string | number>; body: Buffer } {
  const encoding = chooseEncoding(acceptEncoding);
  const body = encoding === 'identity' ? answer.identity : (answer[encoding] ?? answer.identity);
  return {
    status: 200,
    headers: {
      'Content-Type': answer.type,
      Vary: 'Accept-Encoding',
      ...(body !== answer.identity ? { 'Content-Encoding': encoding } : {}),
      'Content-Length': body.length,
    },
    body,
  };
}

/** Sends a kept answer (keptAnswerResponse). */
export function sendKeptAnswer(req: Request, res: Response, answer: KeptAnswer): void {
  const { status, headers, body } = keptAnswerResponse(req.headers['accept-encoding'], answer);
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

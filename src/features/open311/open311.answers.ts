import type { Request, Response } from 'express';
import { chooseEncoding, compressedOnce } from '../../middleware/kept-page.ts';

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
  return { type, identity, ...compressedOnce(identity) };
}

/** What a kept answer costs the cache budget: its bytes, not their JSON. */
export const answerBytes = (answer: KeptAnswer) =>
  answer.identity.length + (answer.gzip?.length ?? 0) + (answer.br?.length ?? 0);

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

import type { RequestHandler } from 'express';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { brotliWindowFor, chooseEncoding } from './kept-page.ts';

/** Below this a compressed body saves less than its headers cost (compression's own threshold). */
const THRESHOLD = 1024;

/**
 * Pages sent whole (`res.send` of a string, which every render ends in) are compressed here, at
 * once, and sent with their length: one write to the socket. The `compression` middleware (which
 * still handles streams, e.g. files) would pass them through a zlib stream on the thread pool and
 * send them in chunks, costing a dynamic page (the signed-in hub) about a third of its time.
 * br at quality 4 and gzip at level 6, as `compression` uses.
 */
export const compressSentPages: RequestHandler = (req, res, next) => {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    res.send = send;
    const bodiless = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    if (typeof body !== 'string' || bodiless || res.getHeader('Content-Encoding'))
      return send(body);
    res.vary('Accept-Encoding');
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    const noTransform = /(?:^|,)\s*no-transform\s*(?:,|$)/.test(
      String(res.getHeader('Cache-Control') ?? ''),
    );
    if (encoding === 'identity' || noTransform || Buffer.byteLength(body) < THRESHOLD)
      return send(body);
    const plain = Buffer.from(body);
    const compressed =
      encoding === 'br'
        ? brotliCompressSync(plain, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 4,
              [constants.BROTLI_PARAM_LGWIN]: brotliWindowFor(plain.length),
              [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
            },
          })
        : gzipSync(plain);
    if (!res.getHeader('Content-Type')) res.type('html');
    res.setHeader('Content-Encoding', encoding);
    return send(compressed);
  };
  next();
};

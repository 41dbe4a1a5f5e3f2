import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../lib/logger.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * One log line per request when the response is finished, each with a request id (taken from
 * X-Request-Id when it looks safe, returned in the response). `req.log` carries the id too.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      get: () => (child ??= logger.child({ reqId: id })),
      configurable: true,
    });
    res.once('finish', () => {
      const responseTime = Math.round(performance.now() - started);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      logger[level](
        {
          req: { id, method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime,
        },
        'request completed',
      );
    });
    next();
  };
}

import express, { Router, type ErrorRequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Module, ModuleContext } from './module.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The body exactly as it came, for a webhook's signature check. */
    rawBody?: Buffer;
  }
}

const keepRaw = (req: IncomingMessage, _res: unknown, buffer: Buffer) => {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from(buffer);
};

/**
 * Calls from outside services (the phone provider's webhooks): each module's `webhooks` router
 * mounted at its prefix, with the body parsed (form-encoded or JSON, 100 kB) and kept raw for the
 * signature check, no session and no CSRF (the signature proves the caller). Failures are short
 * plain-text answers, never a page.
 */
export function createWebhooksArea(ctx: ModuleContext, modules: readonly Module[]): Router {
  const area = Router();
  for (const module of modules) {
    if (!module.webhooks) continue;
    const router = Router();
    router.use(express.urlencoded({ extended: false, limit: '100kb', verify: keepRaw }));
    router.use(express.json({ limit: '100kb', verify: keepRaw }));
    router.use((_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
    router.use(module.webhooks.router(ctx));
    router.use((_req, res) => {
      res.status(404).type('text').send('Not found');
    });
    router.use(webhookErrors);
    area.use(module.webhooks.prefix, router);
  }
  return area;
}

const webhookErrors: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  void _next;
  const status = (error as { status?: number }).status;
  const known = typeof status === 'number' && status >= 400 && status < 500;
  if (!known) req.log.error({ err: error }, 'webhook failed');
  res
    .status(known ? status : 500)
    .type('text')
    .send(known ? 'Bad request' : 'Server error');
};

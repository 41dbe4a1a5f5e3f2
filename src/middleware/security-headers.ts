import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers, plus a Content-Security-Policy that allows only our own origin and, for the
 * few inline snippets in the layout, a nonce made fresh for each response. helmet's headers do
 * not change between requests, so they are worked out once (by running helmet against a
 * recording response) and copied onto each response.
 */
export function securityHeaders(options: { production: boolean }): RequestHandler {
  const staticHeaders = recordHelmetHeaders(
    helmet({
      contentSecurityPolicy: false,
      strictTransportSecurity: options.production,
      crossOriginEmbedderPolicy: false,
    }),
  );
  const before = "default-src 'self';script-src 'self' 'nonce-";
  const middle = "';style-src 'self' 'nonce-";
  const after =
    "';img-src 'self' data:;font-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'self';object-src 'none'" +
    (options.production ? ';upgrade-insecure-requests' : '');
  return (_req, res, next) => {
    for (const [name, value] of staticHeaders) res.setHeader(name, value);
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', before + nonce + middle + nonce + after);
    next();
  };
}

function recordHelmetHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void,
): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  middleware(
    { headers: {} } as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined,
  );
  return [...headers];
}

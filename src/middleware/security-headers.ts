import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers, plus a Content-Security-Policy that allows only our own origin and, for the
 * few inline snippets in the layout, a nonce made fresh for each response.
 */
export function securityHeaders(options: { production: boolean }): RequestHandler[] {
  const before = "default-src 'self';script-src 'self' 'nonce-";
  const middle = "';style-src 'self' 'nonce-";
  const after =
    "';img-src 'self' data:;font-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'self';object-src 'none'" +
    (options.production ? ';upgrade-insecure-requests' : '');
  const csp: RequestHandler = (_req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', before + nonce + middle + nonce + after);
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: options.production,
    crossOriginEmbedderPolicy: false,
  });
  return [csp, headers];
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export type WebhookParams = Record<string, string | string[]>;

/**
 * The provider's signature of a webhook (Twilio's X-Twilio-Signature; SignalWire signs alike):
 * base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by each POST parameter's
 * name and value, names in sorted order (a repeated name: each distinct value, sorted).
 */
export function webhookSignature(authToken: string, url: string, params: WebhookParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => {
      const value = params[key]!;
      if (!Array.isArray(value)) return acc + key + value;
      return [...new Set(value)].sort().reduce((inner, item) => inner + key + item, acc);
    }, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function signatureMatches(
  authToken: string,
  url: string,
  params: WebhookParams,
  given: string | undefined,
): boolean {
  if (!given || given.length > 200) return false;
  const expected = Buffer.from(webhookSignature(authToken, url, params));
  const received = Buffer.from(given);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * Lets through only a form-encoded POST signed for the URL it was sent to, as the provider called
 * it: the public BASE_URL and the path, never the Host header or a proxy's view. Anything else
 * is refused (403) before it is read further.
 */
export function requireSignature(settings: {
  baseUrl: string;
  authToken: () => string;
}): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    const form =
      req.is('application/x-www-form-urlencoded') && body !== null && typeof body === 'object';
    const url = settings.baseUrl + req.originalUrl;
    const signed =
      form &&
      signatureMatches(
        settings.authToken(),
        url,
        body as WebhookParams,
        req.get('X-Twilio-Signature'),
      );
    if (!signed) {
      res.status(403).type('text').send('Forbidden');
      return;
    }
    next();
  };
}

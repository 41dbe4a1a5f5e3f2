import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { CspNeeds } from '../features/module.ts';

/**
 * Browser features the portal may use, and from which origins ('self' or a quoted origin). An
 * empty list turns the feature off for the page and every frame in it. A feature that needs one
 * (video calls: camera, microphone) gets its origins here, not a second header.
 */
export const PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  accelerometer: [],
  'browsing-topics': [],
  camera: [],
  'display-capture': [],
  geolocation: [],
  gyroscope: [],
  hid: [],
  magnetometer: [],
  microphone: [],
  midi: [],
  payment: [],
  'publickey-credentials-get': [],
  serial: [],
  usb: [],
};

/** `camera=(), geolocation=(self "https://maps.example")` from a feature -> origins list. */
export function permissionsPolicy(
  permissions: Readonly<Record<string, readonly string[]>>,
): string {
  return Object.entries(permissions)
    .map(([feature, origins]) => `${feature}=(${origins.join(' ')})`)
    .join(', ');
}

/**
 * helmet's headers, a Permissions-Policy, plus a Content-Security-Policy that allows only our own origin and, for the
 * few inline snippets in the layout, a nonce made fresh for each response. helmet's headers do
 * not change between requests, so they are worked out once (by running helmet against a
 * recording response) and copied onto each response.
 */
export function securityHeaders(options: {
  production: boolean;
  permissions?: Readonly<Record<string, readonly string[]>>;
  /** Hosts the modules' pages need (a map's tiles, a video call's frame), from their manifests. */
  hosts?: CspNeeds;
}): RequestHandler {
  const staticHeaders = recordHelmetHeaders(
    helmet({
      contentSecurityPolicy: false,
      strictTransportSecurity: options.production,
      crossOriginEmbedderPolicy: false,
    }),
  );
  staticHeaders.push(['Permissions-Policy', permissionsPolicy(options.permissions ?? PERMISSIONS)]);
  const extra = (hosts: readonly string[] | undefined) =>
    hosts?.length ? ` ${hosts.join(' ')}` : '';
  const { hosts = {} } = options;
  const before = `default-src 'self';script-src 'self'${extra(hosts.scriptSrc)} 'nonce-`;
  const middle = "';style-src 'self' 'nonce-";
  const after =
    `';img-src 'self' data:${extra(hosts.imgSrc)};font-src 'self'` +
    (hosts.connectSrc?.length ? `;connect-src 'self'${extra(hosts.connectSrc)}` : '') +
    (hosts.frameSrc?.length ? `;frame-src 'self'${extra(hosts.frameSrc)}` : '') +
    `;form-action 'self'${extra(hosts.formAction)}` +
    ";frame-ancestors 'none';base-uri 'self';object-src 'none'" +
    (options.production ? ';upgrade-insecure-requests' : '');
  return (_req, res, next) => {
    for (const [name, value] of staticHeaders) res.setHeader(name, value);
    const nonce = nextNonce();
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', before + nonce + middle + nonce + after);
    next();
  };
}

/** 16 random bytes a response, cut from a pool filled 256 nonces at a time (one system call, not one each). */
const NONCE_BYTES = 16;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;
function nextNonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 256);
    nonceOffset = 0;
  }
  nonceOffset += NONCE_BYTES;
  return noncePool.toString('base64', nonceOffset - NONCE_BYTES, nonceOffset);
}

/**
 * The same policy with the response's nonce swapped for the hashes of the inline blocks it
 * allowed: a page kept in memory is sent to everyone alike, so it cannot carry a nonce.
 */
export function policyWithHashes(
  policy: string,
  nonce: string,
  hashes: { script: readonly string[]; style: readonly string[] },
): string {
  const nonceSource = `'nonce-${nonce}'`;
  return policy
    .split(';')
    .map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      const allowed =
        name === 'script-src' ? hashes.script : name === 'style-src' ? hashes.style : undefined;
      if (!allowed) return directive;
      return [name, ...sources.flatMap((s) => (s === nonceSource ? allowed : [s]))].join(' ');
    })
    .join(';');
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

import autocannon from 'autocannon';
import { hashSecret, verifySecret } from '../src/lib/passwords.ts';

const CSRF = /name="_csrf" value="([^"]+)"/;
/** Production cookies are Secure: the bench speaks as the TLS proxy in front of the app would. */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' };

function cookieFrom(headers: Headers | Record<string, unknown>): string {
  let raw: string[];
  if (headers instanceof Headers) raw = headers.getSetCookie();
  else {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie');
    raw = key ? ([] as string[]).concat(headers[key] as string | string[]) : [];
  }
  return raw.map((c) => c.split(';')[0]).join('; ');
}

/** Signs in once and returns the session cookie. */
export async function signInOnce(
  base: string,
  username: string,
  password: string,
): Promise<string> {
  const form = await fetch(`${base}/login`, { headers: PROXY_HEADERS });
  const cookie = cookieFrom(form.headers);
  const token = CSRF.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...PROXY_HEADERS, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: username, password, _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return cookieFrom(res.headers);
}

/**
 * 20 connections, each a citizen (bench.0 … bench.19) repeating: GET /login (CSRF cookie and
 * token), POST /login. Each request comes from its own client address (X-Forwarded-For).
 */
export async function signInLoad(base: string, password: string, seconds = 10) {
  const connections = 20;
  let counter = 0;
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    initialContext: {},
    requests: [
      {
        method: 'GET',
        path: '/login',
        setupRequest: (request, ctx: object) => {
          const context = ctx as Record<string, unknown>;
          counter += 1;
          context.ip = `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`;
          context.user ??= `bench.${next++ % connections}`;
          return {
            ...request,
            headers: { ...PROXY_HEADERS, 'x-forwarded-for': String(context.ip) },
          };
        },
        onResponse: (_status, body, ctx: object, headers) => {
          const context = ctx as Record<string, unknown>;
          context.token = CSRF.exec(body)?.[1] ?? '';
          context.cookie = cookieFrom(headers as Record<string, unknown>);
        },
      },
      {
        method: 'POST',
        path: '/login',
        setupRequest: (request, ctx: object) => {
          const context = ctx as Record<string, unknown>;
          return {
            ...request,
            headers: {
              ...PROXY_HEADERS,
              'content-type': 'application/x-www-form-urlencoded',
              cookie: String(context.cookie),
              'x-forwarded-for': String(context.ip),
            },
            body: new URLSearchParams({
              login: String(context.user),
              password,
              _csrf: String(context.token),
            }).toString(),
          };
        },
      },
    ],
  });
  const ok = result['3xx'] ?? 0;
  const start = performance.now();
  const hash = await hashSecret('timing');
  for (let i = 0; i < 5; i += 1) await verifySecret(hash, 'timing');
  return {
    connections,
    seconds,
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: (result['4xx'] ?? 0) + (result['5xx'] ?? 0) + result.errors,
    hashMs: (performance.now() - start) / 6,
  };
}

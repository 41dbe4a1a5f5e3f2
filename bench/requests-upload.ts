/**
 * Citizens filing requests with a photo through the real form, as a browser without JavaScript
 * does: sign in, the location step (kept in the session), the near-duplicates step, then the
 * multipart details form with the session's CSRF token and the form's one-time submission id.
 * Only the multipart POST is timed.
 */
import sharp from 'sharp';
import { PROXY_HEADERS } from './sign-in.ts';

const CSRF = /name="_csrf" value="([^"]+)"/;
const SUBMISSION = /name="_submission" value="([^"]+)"/;
const LOGIN_PASSWORD_FIELD = 'password';

export interface UploadResult {
  filed: number;
  failures: number;
  accounts: number;
  concurrency: number;
  photoBytes: number;
  photoSize: string;
  p50: number;
  p95: number;
  max: number;
  perSecond: number;
}

function cookiesOf(headers: Headers, jar: Map<string, string>): string {
  for (const raw of headers.getSetCookie()) {
    const [pair] = raw.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** One citizen's browser: a cookie jar and an address of its own. */
function browser(base: string, address: string) {
  const jar = new Map<string, string>();
  let cookie = '';
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...PROXY_HEADERS, 'x-forwarded-for': address, cookie, ...init.headers },
    });
    cookie = cookiesOf(res.headers, jar);
    return res;
  };
  const form = async (path: string, fields: Record<string, string>) =>
    send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const tokens = async (path: string, action?: string) => {
    const html = await (await send(path)).text();
    const from = action ? html.slice(Math.max(0, html.indexOf(`action="${action}"`))) : html;
    return { _csrf: CSRF.exec(from)?.[1] ?? '', _submission: SUBMISSION.exec(from)?.[1] ?? '' };
  };
  return { send, form, tokens };
}

export async function fileWithPhoto(
  base: string,
  options: {
    photo: Buffer;
    password: string;
    accounts: string[];
    categoryIds: number[];
    total: number;
    concurrency: number;
  },
): Promise<UploadResult> {
  const times: number[] = [];
  let failures = 0;
  let next = 0;
  let account = 0;
  const photo = new Blob([new Uint8Array(options.photo)], { type: 'image/jpeg' });
  const started = performance.now();
  const worker = async () => {
    while (next < options.total && account < options.accounts.length) {
      const n = account++;
      const citizen = browser(base, `10.77.${n >> 8}.${n & 255}`);
      const login = await citizen.tokens('/login', '/login');
      const signedIn = await citizen.form('/login', {
        _csrf: login._csrf,
        login: options.accounts[n]!,
        [LOGIN_PASSWORD_FIELD]: options.password,
      });
      if (signedIn.status !== 303) throw new Error(`uploader sign-in: ${signedIn.status}`);
      for (let i = 0; i < 10 && next < options.total; i += 1) {
        const k = next++;
        const step1 = await citizen.tokens('/requests/new', '/requests/new');
        const located = await citizen.form('/requests/new', {
          _csrf: step1._csrf,
          address: `Οδός Ρούσσου Κουνδούρου ${1 + (k % 60)}`,
          lat: (35.16 + ((k * 7919) % 1000) / 10_000).toFixed(5),
          lng: (25.69 + ((k * 104_729) % 1000) / 10_000).toFixed(5),
          category: String(options.categoryIds[k % options.categoryIds.length]),
        });
        if (located.status !== 303) throw new Error(`location step: ${located.status}`);
        await (await citizen.send('/requests/new/similar')).text();
        const details = await citizen.tokens('/requests/new/details', '/requests/new/details');
        const body = new FormData();
        body.set('_csrf', details._csrf);
        body.set('_submission', details._submission);
        body.set('kind', 'request');
        body.set('title', `Λακκούβα ${k}`);
        body.set('description', 'Βαθιά λακκούβα στη μέση του δρόμου, φωτογραφία συνημμένη.');
        body.append('photos', photo, `IMG_${k}.jpg`);
        const start = performance.now();
        const res = await citizen.send('/requests/new/details', { method: 'POST', body });
        await res.arrayBuffer();
        times.push(performance.now() - start);
        if (
          res.status !== 303 ||
          !/^\/requests\/2\d{3}-\d{6}$/.test(res.headers.get('location') ?? '')
        )
          failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
  const meta = await sharp(options.photo).metadata();
  return {
    filed: times.length - failures,
    failures,
    accounts: Math.min(account, options.accounts.length),
    concurrency: options.concurrency,
    photoBytes: options.photo.length,
    photoSize: `${meta.width}×${meta.height}`,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? NaN,
    perSecond: times.length / seconds,
  };
}

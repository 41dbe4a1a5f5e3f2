import * as cheerio from 'cheerio';
import type { Express, Router } from 'express';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Module, ModuleContext } from '../../src/features/module.ts';
import type { StaffSection } from '../../src/features/staff/staff-access.ts';

/*
 * The pieces of the POST fuzzer (test/integration/fuzz-post-routes.test.ts): the routes, read off
 * the routers the app mounted; the fields its forms use, read off its pages; hostile requests
 * drawn by fast-check; and a small keep-alive HTTP client that sends bytes exactly as given.
 */

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

/** Where a route is mounted: it decides the body parsers, the checks and who may call it. */
export type Area = 'site' | 'staff' | 'api' | 'webhooks' | 'standard';

export interface PostRoute {
  /** The full Express path pattern: '/staff/decisions/:id/publish'. */
  pattern: string;
  module: string;
  area: Area;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  name?: string;
}

export interface Walked {
  /** Full patterns of the routes answering `method`. */
  patterns: string[];
  /** What the walk could not read (a RegExp path, a mounted sub-app): each fails the test. */
  unreadable: string[];
}

/** Routes a router answers for `method` (an `all` route counts), nested routers included. */
export function walkRouter(router: unknown, method: 'get' | 'post', prefix = ''): Walked {
  const walked: Walked = { patterns: [], unreadable: [] };
  const mountPath = (raw: unknown): string | undefined =>
    raw === undefined || raw === '/' ? '' : typeof raw === 'string' ? raw : undefined;
  const visit = (stack: Layer[], at: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path, methods } = layer.route;
        if (!methods[method] && !methods._all) continue;
        if (typeof path === 'string' && /^[\w\-./:]*$/.test(path))
          walked.patterns.push(`${at}${path}` || '/');
        else walked.unreadable.push(`${at} ${String(path)} (a route path the fuzzer cannot fill)`);
        continue;
      }
      if (layer.name === 'mounted_app')
        walked.unreadable.push(`${at}${String(layer.rawPath)} (a mounted Express app)`);
      const inner = layer.handle?.stack;
      if (!inner) continue;
      const mount = mountPath(layer.rawPath);
      if (mount === undefined) walked.unreadable.push(`${at} ${String(layer.rawPath)} (a mount)`);
      else visit(inner, `${at}${mount}`);
    }
  };
  visit((router as { stack: Layer[] }).stack, prefix);
  return walked;
}

/** Every route of `method` the app mounted, read off its own router stack. */
export function mountedRoutes(app: Express, method: 'get' | 'post'): Walked {
  return walkRouter((app as unknown as { router: unknown }).router, method);
}

/**
 * Every POST route the modules declare, where the app mounts it: citizen routes at the root,
 * staff sections under /staff<prefix>, `api` routers under /api/v1, `webhooks` and `standardApi`
 * under their prefixes. The citizen and staff routers are the ones the app built; the others are
 * built again from the same context (building a router changes nothing).
 */
export function modulePostRoutes(
  app: Express,
  modules: readonly Module[],
  ctx: ModuleContext,
): Walked & { routes: PostRoute[] } {
  const routes: PostRoute[] = [];
  const unreadable: string[] = [];
  const add = (module: string, area: Area, router: unknown, prefix: string) => {
    const walked = walkRouter(router, 'post', prefix);
    routes.push(...walked.patterns.map((pattern) => ({ pattern, module, area })));
    unreadable.push(...walked.unreadable);
  };
  for (const { module, router } of app.get('module routers') as {
    module: string;
    router: Router;
  }[])
    add(module, 'site', router, '');
  const sections = app.get('staff sections') as StaffSection[];
  for (const module of modules) {
    for (const section of module.staff ?? []) {
      const built = sections.find((s) => s.prefix === section.prefix);
      add(module.name, 'staff', built?.router ?? section.router(ctx), `/staff${section.prefix}`);
    }
    if (module.api) add(module.name, 'api', module.api(ctx), '/api/v1');
    if (module.webhooks)
      add(module.name, 'webhooks', module.webhooks.router(ctx), module.webhooks.prefix);
    if (module.standardApi)
      add(module.name, 'standard', module.standardApi.router(ctx), module.standardApi.prefix);
  }
  return { routes, patterns: routes.map((r) => r.pattern), unreadable };
}

/** The names of a pattern's parameters, in order. */
export const paramsOf = (pattern: string): string[] =>
  [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/** A pattern with its parameters filled (each value already percent-encoded). */
export const fillPattern = (
  pattern: string,
  value: (name: string, n: number) => string,
): string => {
  let n = 0;
  return pattern.replace(/:(\w+)/g, (_m, name: string) => value(name, n++));
};

/** Whether a concrete path is one of the pattern's. */
export const matchesPattern = (pattern: string, path: string): boolean =>
  new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/:(\w+)/g, '[^/]+')}/?$`).test(path);

// ---------------------------------------------------------------------------------------------
// Forms: the fields each POST route's forms send, read off the pages
// ---------------------------------------------------------------------------------------------

export interface FormSeen {
  /** The action as the page wrote it (path and query), with real ids in it. */
  action: string;
  /** Each field and the values the page offers (hidden values, options, radios, checkboxes). */
  fields: Map<string, string[]>;
}

/** The POST forms of a page, with `base` the page's own address. */
export function postFormsOf(html: string, base: string): FormSeen[] {
  const $ = cheerio.load(html);
  const forms: FormSeen[] = [];
  $('form').each((_i, form) => {
    if (($(form).attr('method') ?? 'get').toLowerCase() !== 'post') return;
    const target = new URL($(form).attr('action') ?? base, base);
    const fields = new Map<string, string[]>();
    const offer = (name: string | undefined, value: string | undefined) => {
      if (!name || name === '_csrf') return;
      const values = fields.get(name) ?? [];
      if (value !== undefined && !values.includes(value)) values.push(value);
      fields.set(name, values);
    };
    $(form)
      .find('input, button[name]')
      .each((_j, input) => offer($(input).attr('name'), $(input).attr('value')));
    $(form)
      .find('textarea')
      .each((_j, area) => offer($(area).attr('name'), $(area).text()));
    $(form)
      .find('select')
      .each((_j, select) => {
        const name = $(select).attr('name');
        offer(name, undefined);
        $(select)
          .find('option')
          .each((_k, option) => offer(name, $(option).attr('value') ?? $(option).text()));
      });
    forms.push({ action: `${target.pathname}${target.search}`, fields });
  });
  return forms;
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** Values that have broken web apps before, and the plausible ones a form expects. */
const SPECIAL = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\u202Eαβγ\u202C',
  '\u200F\u0645\u0631\u062D\u0628\u0627\u200E',
  '\u200B\u200C\u200D\uFEFF',
  'e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308',
  'Z\u0334\u0321\u031B\u0348\u031E\u0317a\u0337l\u0337g\u0337o\u0337',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈🇬🇷',
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  'ΆΈΉΊΌΎΏ ς σ ΐ',
  'İıﬀß',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "'",
  '"',
  '&amp;&#0;&#x0;',
  '<%= process.env %>',
  '${7*7}{{7*7}}',
  "' OR 1=1 --",
  '\\',
  '../../../../etc/passwd',
  '//evil.example/',
  '/\\evil.example',
  'javascript:alert(1)',
  'true',
  'false',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '0',
  '-0',
  '-1',
  '1',
  '2',
  '1.5',
  '1e309',
  '0x1F',
  ' 42 ',
  '４２',
  '٤٢',
  '9'.repeat(40),
  '-9223372036854775809',
  '2147483648',
  '2026-02-30',
  '2026-12-04',
  '9999-12-31',
  '0000-00-00',
  '2026-12-04T25:61:00Z',
  '31/12/2026',
  '12:00',
  '25:99',
  'yes',
  'on',
  'el',
  'en',
  'json',
  'user@example.gr',
  'a@b',
  '6912345678',
  '+306912345678',
  '094079101',
  'RF18539007547034',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '[object Object]',
  '\r\nSet-Cookie: x=1',
  '\t\u0007\u001b[31m',
  '\u2028\u2029',
  'A'.repeat(1000),
];

const ODD_UNITS = [
  '\u202E',
  '\u200F',
  '\u200D',
  '\u0301',
  '\u0000',
  '\uD800',
  '\uDFFF',
  '😀',
  '👩‍👧',
  'ς',
  'Ω',
  '<',
  '>',
  '"',
  "'",
  '&',
  '%',
  '+',
  '=',
  '[',
  ']',
  '\n',
  '\r',
  '\\',
  '/',
  ';',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 5 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...ODD_UNITS), maxLength: 30 }), weight: 2 },
  {
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => String(n)),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('Α', 'a', '😀', '\u0301', '<'), fc.integer({ min: 300, max: 20_000 }))
      .map(([unit, n]) => unit.repeat(n)),
    weight: 1,
  },
);

/** Keys that are not any form's: odd names, brackets, prototype names. */
const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '__proto__[admin]',
    'a[]',
    'a[b]',
    'a[0][c]',
    'a.b',
    '',
    '_csrf',
    '_submission',
    'api_key',
    'lang',
    'next',
  ),
  hostileString.filter((s) => s.length < 200),
);

// ---------------------------------------------------------------------------------------------
// A fuzz case: what to send, drawn without knowing the route; `buildRequest` applies it to one
// ---------------------------------------------------------------------------------------------

/** A field's name: one of the route's forms' (by index), one of any form's, or an odd one. */
const keyChoice = fc.oneof(
  { arbitrary: fc.record({ from: fc.constant('form' as const), pick: fc.nat() }), weight: 5 },
  { arbitrary: fc.record({ from: fc.constant('any' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ from: fc.constant('odd' as const), key: oddKey }), weight: 2 },
);
/** A field's value: one the page offers (by index), or a hostile one. */
const valueChoice = fc.oneof(
  { arbitrary: fc.record({ from: fc.constant('form' as const), pick: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({ from: fc.constant('hostile' as const), value: hostileString }),
    weight: 3,
  },
);
const field = fc.record({
  key: keyChoice,
  // Two or more values: the name repeated (a=1&a=2), an array in JSON.
  values: fc.array(valueChoice, { minLength: 1, maxLength: 3 }),
  // How a JSON body carries it.
  shape: fc.constantFrom('as-is', 'as-is', 'number', 'object', 'null', 'bool'),
});

export type BodyKind =
  | 'form'
  | 'form-from-page'
  | 'json'
  | 'json-raw'
  | 'multipart'
  | 'multipart-broken'
  | 'text'
  | 'xml'
  | 'csv'
  | 'empty'
  | 'huge'
  | 'gzip-garbage'
  | 'charset';

const bodyKind = fc.oneof(
  { arbitrary: fc.constant<BodyKind>('form-from-page'), weight: 8 },
  { arbitrary: fc.constant<BodyKind>('form'), weight: 6 },
  { arbitrary: fc.constant<BodyKind>('json'), weight: 4 },
  { arbitrary: fc.constant<BodyKind>('json-raw'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('multipart'), weight: 2 },
  { arbitrary: fc.constant<BodyKind>('multipart-broken'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('text'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('xml'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('csv'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('empty'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('huge'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('gzip-garbage'), weight: 1 },
  { arbitrary: fc.constant<BodyKind>('charset'), weight: 1 },
);

const RAW_JSON = [
  '{',
  '{"a":',
  '[1,2,',
  'NaN',
  '"\u0000"',
  '{"_csrf":"x","a":"\\u0000"}',
  '{"a":"\\ud800"}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
  '\uFEFF{"a":1}',
  '{"a":1}{"b":2}',
  '1',
  '"text"',
  'null',
];

const XML = [
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '<Response><Say>ok</Say></Response>',
  '<x><y>',
];

export const fuzzCase = fc.record({
  personaRoll: fc.nat({ max: 99 }),
  /** Which of the persona's sessions. */
  slot: fc.nat({ max: 99 }),
  csrf: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'missing', 'wrong', 'foreign'),
  kind: bodyKind,
  fields: fc.array(field, { maxLength: 6 }),
  /** For a body from the page: which fields to replace with the drawn ones. */
  replace: fc.nat({ max: 3 }),
  json: fc.jsonValue({ maxDepth: 4 }),
  rawJson: fc.constantFrom(...RAW_JSON),
  text: hostileString,
  xml: fc.constantFrom(...XML),
  files: fc.array(
    fc.record({
      name: fc.oneof(fc.constantFrom('file', 'document', 'photos', 'photo'), oddKey),
      filename: fc.oneof(
        fc.constantFrom('a.pdf', 'a.jpg', 'a.csv', '../../x.pdf', 'x\u0000.pdf', ''),
        hostileString.filter((s) => s.length < 300),
      ),
      type: fc.constantFrom(
        'application/pdf',
        'image/jpeg',
        'image/png',
        'text/csv',
        'application/octet-stream',
        'text/html',
        '',
      ),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom(
          new TextEncoder().encode('%PDF-1.4\n%garbage\n'),
          new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]),
          new TextEncoder().encode('a;b;c\n1;2;3\n"unterminated'),
        ),
      ),
    }),
    { maxLength: 3 },
  ),
  hugeBytes: fc.integer({ min: 60_000, max: 220_000 }),
  hugeIn: fc.constantFrom('form', 'json', 'text'),
  charset: fc.constantFrom('iso-8859-1', 'utf-16', 'koi8-r', 'x-nonsense', 'utf-8'),
  submission: fc.constantFrom('fresh', 'fresh', 'none', 'none', 'hostile', 'reused'),
  uuid: fc.uuid(),
  paramMode: fc.constantFrom('page', 'page', 'real', 'odd', 'odd'),
  params: fc.array(
    fc.oneof(
      hostileString.filter((s) => s.length < 500),
      fc.constantFrom('1', '2', '3', '0', '-1', '999999', '99999999999999999999', 'json', 'xml'),
    ),
    { minLength: 4, maxLength: 4 },
  ),
  query: fc.oneof(
    { arbitrary: fc.constant(''), weight: 6 },
    {
      arbitrary: fc.constantFrom(
        '?lang=en',
        '?lang=%00',
        '?next=//evil.example',
        '?a[]=1&a[]=2',
        '?%ff=%fe',
        '?api_key=x',
        '?page=-1',
        '?n=3',
      ),
      weight: 1,
    },
  ),
  apiKey: fc.constantFrom('valid', 'valid', 'valid', 'none', 'wrong', 'in-body'),
  signature: fc.constantFrom('signed', 'signed', 'signed', 'none', 'wrong'),
  clientIp: fc.oneof(
    { arbitrary: fc.ipV4(), weight: 8 },
    { arbitrary: fc.ipV6(), weight: 1 },
    { arbitrary: fc.constantFrom('not-an-ip', '', '999.1.1.1', '1.1.1.1, 2.2.2.2'), weight: 1 },
  ),
  language: fc.constantFrom('', 'el', 'en', 'xx', '*;q=0', 'el-GR,en;q=0.5'),
  oddCookie: fc.constantFrom('', '', '', '', 'sid=s%3Agarbage.sig', 'csrf=%ZZ', 'lang=xx'),
});

export type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// Encoding: bytes as a careless or hostile client sends them
// ---------------------------------------------------------------------------------------------

/**
 * Percent-encodes a string; a lone surrogate (which UTF-8 cannot carry) becomes the three bytes
 * a careless encoder writes for it (CESU-8), so the server sees invalid UTF-8.
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(char);
  }
  return out;
}

export const formEncode = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');

export function multipartBody(
  boundary: string,
  fields: readonly (readonly [string, string])[],
  files: FuzzCase['files'],
  broken: boolean,
): Buffer {
  const parts: Buffer[] = [];
  const quoted = (s: string) => s.replace(/[\r\n"]/g, '_');
  for (const [name, value] of fields)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.name)}"; filename="${quoted(file.filename)}"\r\n${file.type ? `Content-Type: ${file.type}\r\n` : ''}\r\n`,
      ),
      Buffer.from(file.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(
    Buffer.from(broken ? `--${boundary}\r\nContent-Disposition: form-da` : `--${boundary}--\r\n`),
  );
  return Buffer.concat(parts);
}

export const gzipGarbage = (seed: string): Buffer =>
  Buffer.concat([gzipSync(Buffer.from(seed)).subarray(0, 12), randomBytes(64)]);

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A keep-alive client that sends the bytes it is given (no encoding, no redirects, no checks). */
export function httpClient(baseUrl: string, connections: number) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const once = (req: SentRequest, useAgent: http.Agent | false) =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = http.request(
        {
          host: hostname,
          port,
          method: req.method,
          path: req.path,
          headers: {
            ...req.headers,
            ...(req.body ? { 'Content-Length': String(req.body.length) } : {}),
          },
          agent: useAgent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  return {
    /**
     * Sends a request; a keep-alive socket the server closed as it was reused (or a large body the
     * server refused before reading it all) is tried once more on a connection of its own.
     */
    async send(req: SentRequest): Promise<Answer> {
      try {
        return await once(req, agent);
      } catch {
        return once(req, false);
      }
    },
    close: () => agent.destroy(),
  };
}

/** The cookies a response sets, as `name=value` pairs to send back. */
export function cookiesOf(answer: Answer): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of answer.headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
  return jar;
}

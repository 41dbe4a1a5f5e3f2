import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorRequestHandler, Request, RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { DocumentStore } from '../lib/document-store.ts';
import type { Deps } from '../deps.ts';
import type { Lang } from '../lib/localized.ts';
import type { KeptPage } from '../middleware/kept-page.ts';
import type { Clients, Services } from '../services.ts';
import type { UserRow } from './accounts/users.repository.ts';
import type { HubEntry } from './hub/hub-entry.ts';
import type { QueuePolicy } from './queues.ts';

/**
 * The module contract: a capability (decisions, accounts, requests, …) is one folder whose
 * `<name>.module.ts` exports one `Module`, and `src/features/index.ts` lists the modules once.
 * The app, the back office, the session and CSRF rules, the worker, the audit log, the config,
 * the strings and the migration list are all built from these manifests, so adding a
 * capability touches its own folder and that list, nothing else.
 *
 * House rules for a module:
 * - Everything it plugs in is declared here; nothing in `app.ts`, `staff.area.ts`, the
 *   middleware or the worker names a module.
 * - Routers are built from a `ModuleContext` (the shared deps); services take the narrow deps
 *   they use.
 * - Strings live in the folder (`locales/el.json`, `locales/en.json`), under keys of its own;
 *   both languages have the same keys (tested), and every audit action it declares has a label
 *   at `staff.audit.actions.<action>`.
 * - Migrations live in the folder (`migrations/`), one change each, named
 *   `<timestamp>_<what>`; all modules' migrations run in the order of their names. A migration
 *   keeps its name when its file moves (knex_migrations records names, not paths).
 * - Roles: a module that introduces a role declares it and inserts it into the `roles` table in
 *   one of its migrations.
 */
export interface Module {
  /** The folder's name; unique. */
  name: string;
  /**
   * Its services, built once by `createServices` (src/services.ts) and given to every router and
   * job as `ctx.services`; its `<name>.services.ts` adds their names and types to `Services`.
   */
  services?: (deps: Deps, clients: Partial<Clients>) => object;
  /** Pages and forms for citizens, mounted at the site root after the shared pipeline. */
  routes?: (ctx: ModuleContext) => Router;
  /** Parts of the back office, each behind its role, under /staff<prefix>. */
  staff?: readonly StaffSectionDefinition[];
  /** Other ways to sign in it offers on /login, from the config (none when it is off). */
  signInOptions?: (config: Readonly<Config>) => readonly SignInOption[];
  /** Its card on the e-services hub (and in the header navigation, if it says so). */
  hubEntry?: HubEntry;
  /** What it adds to the citizen's account page ("my requests: 2 open"); undefined: nothing. */
  accountSummary?: (
    ctx: ModuleContext,
    user: UserRow,
    req: Request,
  ) => Promise<AccountItem | undefined>;
  /**
   * Its citizen pages (a path pattern without anchors: `/dues`) that show nothing but what the
   * signed-in citizen may see of tables announcing NOTIFY work_changed (see caches.ts), their
   * account, and today's date: kept rendered per session, URL, language and Athens day
   * (personal-pages.ts), as a staff section's `keptPages` are. A page with a form that changes
   * nothing shown (a download link) may be kept; one that shows a rate limit or a notice may not.
   */
  keptPages?: readonly RegExp[];
  /** Paths whose GET pages hold a form or need to know who is signed in (first path segment). */
  sessionPaths?: readonly string[];
  /** Routes that take a multipart upload (CSRF is checked after parsing): full paths. */
  uploadPaths?: readonly RegExp[];
  /**
   * Public pages whose forms change nothing (the certificate check at /verify: a code looked up,
   * a PDF compared with the issued one): full paths, anchored. Every request to them, whatever
   * its method and whatever cookie it brings, runs with no session (none read, none made, no
   * cookie set; the page is the same signed in or not) and no CSRF check. So a POST there must
   * change nothing a visitor could be tricked into changing; a multipart one is parsed by its
   * route, which also does its own rate limiting.
   */
  publicForms?: readonly RegExp[];
  /** JSON and form endpoints under /api/v1 (API keys, no session or CSRF; see api/api-area.ts). */
  api?: (ctx: ModuleContext) => Router;
  /** The scopes its API routes ask of a key ('open311:write'), offered on /staff/api-keys. */
  apiScopes?: readonly string[];
  /** Calls from outside services (signed, raw body kept), mounted at `prefix`, no session or CSRF. */
  webhooks?: { prefix: string; router: (ctx: ModuleContext) => Router };
  /**
   * An interface that follows an outside standard at a path of its own, not under /api/v1
   * (Open311 GeoReport v2 at /open311/v2): mounted at `prefix` before the session, with the API
   * area's body parsers and NUL check, no session, no CSRF, never cached (api-area.ts:
   * createStandardApiAreas). `router` answers in the standard's format, its 404s included;
   * `errors` answers every failure (the parsers' too) in that format. Keys: `checkApiKey`.
   */
  standardApi?: {
    prefix: string;
    router: (ctx: ModuleContext) => Router;
    errors: (ctx: ModuleContext) => ErrorRequestHandler;
    /**
     * Answers kept in memory, sent before Express as kept pages are (page-cache.ts): given a call
     * (its path under `prefix`), the answer the router would send, or undefined to let the router
     * answer. It must count what the router counts (rate limits) and send the same headers.
     */
    early?: (ctx: ModuleContext) => EarlyAnswers;
  };
  /**
   * Its public pages answered before Express, as kept pages are (page-cache.ts), from what its
   * router kept: given a GET, the page its router would send for it now, or undefined to let the
   * router answer. It must count what the router counts (a rate limit) and may only answer a page
   * that shows nobody's session (it goes to signed-in visitors alike), sent `no-store`.
   */
  earlyPages?: (ctx: ModuleContext) => EarlyPages;
  /** Jobs the worker runs: on demand (queued by the module) or on a schedule. */
  jobs?: readonly JobDefinition[];
  /** Every action it writes to the audit log. */
  auditActions?: readonly string[];
  /** Roles it introduces (its migration inserts them into `roles`). */
  roles?: readonly RoleDefinition[];
  /**
   * Hosts its pages need beyond our own origin: a fixed list, or one worked out from the config
   * (a map's tile server, only when one is set). Read once, when the app is built; a function may
   * throw a ConfigError for a setting that cannot work (it stops the start).
   */
  csp?: CspNeeds | ((config: Readonly<Config>) => CspNeeds);
  /**
   * Policy staff may change in the back office (deadlines, retention days), kept in the
   * `settings` table, audited, with defaults from the config. Secrets and endpoints are `config`.
   */
  settings?: readonly SettingDefinition[];
  /** Its settings from the environment (secrets, endpoints), merged into the one config. */
  config?: z.ZodObject;
  /**
   * Checks across its settings and the shared ones that its schema cannot see (NODE_ENV: a
   * development stand-in refused in production). Throws a ConfigError naming the setting; run by
   * loadConfig, so a wrong start stops before anything else with the same one-line message.
   */
  checkConfig?: (config: Readonly<Config>) => void;
  /** Its migrations, by name. */
  migrations?: Readonly<Record<string, Migration>>;
  /**
   * The folder of its mail templates (`emailsBeside(import.meta.url)`): `<name>.html.ejs` and
   * `<name>.txt.ejs`, sent with `deps.mailer.send('<name>', …)`, subject at `emails.<name>.subject`.
   * Its pages' templates are in its folder too (`views/`, `staff/views/`), rendered by their path
   * under src/features: `res.render('decisions/views/list')`.
   */
  emails?: string;
  /** Its strings, both languages. */
  locales?: { el: LocaleTree; en: LocaleTree };
  /**
   * Its pages every anonymous visitor sees alike (no form, no search), kept rendered by the page
   * cache: a path pattern without anchors (`/decisions/[1-9]\d{0,9}`); `paged`: also with `?page=N`.
   */
  publicPages?: readonly {
    path: RegExp;
    paged?: boolean;
    /**
     * 'work': the page shows case work (the public list of requests), so it is kept in the work
     * cache, emptied by NOTIFY work_changed, not by content_changed.
     */
    changesWith?: 'content' | 'work';
  }[];
  /** Data every installation needs (its categories): run at each start and safe to run again. */
  referenceData?: (db: Knex) => Promise<void>;
  /**
   * Demo data for development (`npm run seed`, the first start), never in production: `seed`
   * fills its tables only while they are empty (returns whether it did); `accounts` are the demo
   * accounts for its roles, listed in the README.
   */
  demo?: {
    seed?: (db: Knex, context: DemoContext) => Promise<boolean>;
    accounts?: readonly DemoAccount[];
  };
  /**
   * What it keeps about a person, why and for how long: a section of the privacy notice (/privacy),
   * as two of its string keys (a heading and a paragraph); `params` fills the paragraph's
   * placeholders from what staff set (retention days), so the notice says what the portal does.
   */
  privacyNotice?: {
    headingKey: string;
    bodyKey: string;
    params?: (deps: Deps) => Promise<Record<string, string | number>>;
  };
  /**
   * Everything it holds about the person, for the citizen's download (/account/data): named parts,
   * written as `<module>.json` in the ZIP. Only this person's rows; never another's.
   */
  exportFor?: (person: Person, conn: Knex) => Promise<Record<string, unknown>>;
  /** The original files among it (photos, documents, recordings), put in the ZIP under `<module>/`. */
  exportFiles?: (person: Person, conn: Knex) => Promise<ExportedFile[]>;
  /**
   * Erases or anonymises what it holds about the person (in the caller's transaction, the account
   * deletion's: /account/delete). What the law makes the municipality keep stays, with nothing
   * left that names the person; the README lists it. Runs before the account row itself is
   * emptied (so `person` still has the email and phone). Mail it sends (an appointment's
   * cancellation) is queued on `trx`; stored files go with `context.removeAfterCommit`.
   */
  eraseFor?: (person: Person, conn: Knex.Transaction, context: ErasureContext) => Promise<void>;
  /**
   * Its retention rules: what it deletes once it is no longer needed. Each runs as a scheduled job
   * under its name; every run is recorded (retention_runs: when, how many deleted) and shown on the
   * back office's retention page (/staff/retention), and one that deleted something is audited.
   */
  retention?: readonly RetentionRule[];
}

/** A file of the person's download: its stored document, and its name in the module's folder. */
export interface ExportedFile {
  /** Inside `<module>/` in the ZIP: 'requests/2026-000123/photo-1.jpg'. Plain names, no '..'. */
  path: string;
  /** Its key in the document store. */
  documentKey: string;
}

/** What an erasure may use beside its transaction. */
export interface ErasureContext {
  deps: Deps;
  /** Removes a stored file once the deletion's transaction has committed (never before). */
  removeAfterCommit: (documentKey: string) => void;
}

/** A retention rule (see `Module.retention`). */
export interface RetentionRule {
  /**
   * Its job's name, '<module>.<what>' ('kep.retention'): a scheduled job's name is kept in
   * pg-boss's schedule table, so a rule keeps the name its job had.
   */
  name: string;
  /** What it deletes and when, for the retention page: a string key (may use `{{days}}`). */
  labelKey: string;
  /** The setting that holds its period (days), shown with the rule; none: a fixed period. */
  settingKey?: string;
  /** A cron schedule (Europe/Athens). */
  schedule: string;
  /** Deletes (or anonymises) what is due now, in batches; returns how many records it did. */
  run: (deps: Deps) => Promise<number>;
}

export interface ModuleContext {
  deps: Deps;
  /** Every service, built once (src/services.ts). */
  services: Services;
  /** Every module's hub entry: the services a page may list. */
  hubEntries: readonly HubEntry[];
  /** For upload routes: CSRF checked after parsing, then the once-only submission check. */
  protectUpload: RequestHandler;
}

/** A call as an early answer sees it, before Express: the path under the API's prefix. */
export interface EarlyCall {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The client's address as Express's `req.ip` gives it (the trusted proxy's X-Forwarded-For). */
  ip: () => string;
}

/** An answer ready to go: status, headers and body. */
export interface EarlyAnswer {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

export type EarlyAnswers = (call: EarlyCall) => EarlyAnswer | undefined;

/** A GET as an early page sees it: its full path, query, headers, language and address. */
export interface EarlyPageCall extends EarlyCall {
  lang: Lang;
}

/** A kept page to send (with `no-store`) and headers of its own, or undefined. */
export type EarlyPages = (
  call: EarlyPageCall,
) => { page: KeptPage; headers?: Record<string, string> } | undefined;

export interface StaffSectionDefinition {
  /** Under /staff: '/decisions'. */
  prefix: string;
  role: string;
  /**
   * Its entry in the staff navigation and its card on /staff (help at `…navHelp.…`). Absent: a
   * page reached from the module's own pages (a settings tab, a link on a queue), not listed.
   */
  navKey?: string;
  router: (ctx: ModuleContext) => Router;
  /**
   * Its GET pages (a path under the prefix, a pattern without anchors: `/\/?/` for its own page)
   * that show nothing but what the signed-in staff member may see of tables announcing NOTIFY
   * work_changed (see caches.ts), and today's date. Kept rendered per session, URL, language
   * and Athens day (personal-pages.ts), so a busy queue is not rendered again until work changes.
   */
  keptPages?: readonly RegExp[];
}

export interface AccountItem {
  /** A string key of the module, with `count` etc. as its values. */
  textKey: string;
  params?: Record<string, string | number>;
  href: string;
}

export interface JobDefinition {
  /** The pg-boss queue; new ones are named after their module: 'accounts.pending-cleanup'. */
  name: string;
  /** How its jobs are tried again (default: 3 more times, 30 s apart); see queues.ts. */
  queue?: QueuePolicy;
  /** A cron schedule (Europe/Athens); none: queued by the module when needed. */
  schedule?: string;
  /** Handles one job (a scheduled one has no data); a throw fails it and pg-boss retries. */
  run?: (deps: Deps, data: unknown) => Promise<void>;
  /**
   * Or: registers its own worker on the queue (batches, its own failure handling), with the
   * services the worker process built once.
   */
  start?: (deps: Deps, services: Services) => Promise<void>;
}

export interface SettingDefinition {
  /** '<module>.<name>': 'accounts.pendingAccountDays'. */
  key: string;
  labelKey: string;
  hintKey?: string;
  /** A whole number between min and max (days, minutes, counts). */
  min: number;
  max: number;
  /** Used until staff change it. */
  default: (config: Readonly<Config>) => number;
}

export interface RoleDefinition {
  name: string;
  /** The string key that names it to people: `staff.roles.<name>`. */
  labelKey: string;
}

export interface CspNeeds {
  frameSrc?: readonly string[];
  scriptSrc?: readonly string[];
  connectSrc?: readonly string[];
  imgSrc?: readonly string[];
  /**
   * Where a form's answer may redirect the browser (browsers hold redirects after a form to
   * form-action): sign-out going on to GSIS's logout.
   */
  formAction?: readonly string[];
}

/** A way to sign in other than the password, offered on /login (TaxisNet). */
export interface SignInOption {
  /** Where it starts; `?next=` is added for the way back. */
  href: string;
  headingKey: string;
  textKey: string;
  buttonKey: string;
}

export interface Migration {
  up: (knex: Knex) => Promise<void>;
  down?: (knex: Knex) => Promise<void>;
  config?: { transaction?: boolean };
}

export type LocaleTree = { [key: string]: string | LocaleTree };

export interface DemoContext {
  documents: DocumentStore;
  /** The municipality's name, as its documents print it. */
  municipality: string;
  today: Date;
}

/** A demo account (development only; the README lists them). */
export interface DemoAccount {
  /** As the README's table names it: 'citizen', 'verified citizen' or a staff role. */
  role: string;
  username: string;
  /** Meets the password policy (citizens 10+, staff 14+ characters). */
  password: string;
  fullName: string;
  email: string;
  phone: string | null;
  /** The phone line's 6-digit PIN (citizens with a phone), listed in the README. */
  pin?: string;
  roles: readonly string[];
  /** The in-person identity check a clerk recorded (AFM with a valid check digit). */
  identityCheck?: { afm: string; documentNumber: string };
}

/**
 * Whose data: an account, and the AFM a clerk recorded for it (or TaxisNet gave), if any; its
 * email and phone as the account holds them (absent when a caller only knows the account).
 */
export interface Person {
  userId: number;
  afm: string | null;
  email?: string | null;
  phone?: string | null;
}

/**
 * A module's strings: `locales/el.json` and `locales/en.json` beside its manifest (`import.meta.url`),
 * and, for a large module, its parts' files (`locales/<part>.el.json`), merged into one tree.
 */
export function localesBeside(
  moduleUrl: string,
  parts: readonly string[] = [],
): { el: LocaleTree; en: LocaleTree } {
  const read = (file: string) =>
    JSON.parse(readFileSync(new URL(`./locales/${file}.json`, moduleUrl), 'utf8')) as LocaleTree;
  const tree = (lang: string) =>
    parts.reduce((merged, part) => mergeLocales(merged, read(`${part}.${lang}`)), read(lang));
  return { el: tree('el'), en: tree('en') };
}

/** Two string trees as one; a key both give is a mistake (it would hide one of them). */
function mergeLocales(a: LocaleTree, b: LocaleTree, path = ''): LocaleTree {
  const merged: LocaleTree = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = merged[key];
    if (existing === undefined) merged[key] = value;
    else if (typeof existing === 'object' && typeof value === 'object')
      merged[key] = mergeLocales(existing, value, `${path}${key}.`);
    else throw new Error(`The string ${path}${key} is given twice`);
  }
  return merged;
}

/** A module's mail templates: the `emails/` folder beside its manifest. */
export function emailsBeside(moduleUrl: string): string {
  return fileURLToPath(new URL('./emails/', moduleUrl));
}

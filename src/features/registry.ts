import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { recordRetentionRun } from './privacy/retention-runs.ts';
import type {
  CspNeeds,
  JobDefinition,
  LocaleTree,
  Migration,
  Module,
  RoleDefinition,
  SettingDefinition,
} from './module.ts';

/**
 * What the shared parts of the portal learn from the modules' manifests: each function reads the
 * list once and refuses a clash (two modules claiming one name) with a message naming both.
 */

/** Every migration of every module, in the order of their names. */
export function migrationsOf(modules: readonly Module[]): Record<string, Migration> {
  const owner = new Map<string, string>();
  const all: [string, Migration][] = [];
  for (const module of modules)
    for (const [name, migration] of Object.entries(module.migrations ?? {})) {
      const other = owner.get(name);
      if (other) throw new Error(`Migration ${name} is declared by ${other} and ${module.name}`);
      owner.set(name, module.name);
      all.push([name, migration]);
    }
  all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(all);
}

/** The first path segments whose pages need a session (a form, or who is signed in). */
export function sessionPathPattern(
  modules: readonly Module[],
  shared: readonly string[] = [],
): RegExp {
  const segments = [...shared, ...modules.flatMap((module) => module.sessionPaths ?? [])];
  for (const segment of segments)
    if (!/^[a-z0-9-]+$/.test(segment))
      throw new Error(`Session path "${segment}" is not a path segment`);
  if (!segments.length) return /^$/;
  return new RegExp(`^/(${[...new Set(segments)].join('|')})(/|$)`);
}

/** Whether a path is one of the modules' upload routes. */
export function uploadPathTest(modules: readonly Module[]): (path: string) => boolean {
  const patterns = modules.flatMap((module) => module.uploadPaths ?? []);
  return (path) => patterns.some((pattern) => pattern.test(path));
}

/** Whether a path is one of the modules' public forms (no session, no CSRF; module.ts). */
export function publicFormTest(modules: readonly Module[]): (path: string) => boolean {
  const patterns = modules.flatMap((module) => module.publicForms ?? []);
  for (const pattern of patterns)
    if (!pattern.source.startsWith('^') || !pattern.source.endsWith('$'))
      throw new Error(`Public form ${pattern.source}: a full path, anchored at both ends`);
  return (path) => patterns.some((pattern) => pattern.test(path));
}

export function auditActionsOf(modules: readonly Module[]): readonly string[] {
  return unique(
    modules.flatMap((module) => (module.auditActions ?? []).map((name) => ({ name, module }))),
    'Audit action',
  );
}

export function rolesOf(modules: readonly Module[]): readonly RoleDefinition[] {
  const seen = new Map<string, RoleDefinition>();
  for (const module of modules)
    for (const role of module.roles ?? []) if (!seen.has(role.name)) seen.set(role.name, role);
  return [...seen.values()];
}

/**
 * Every module's jobs, its retention rules among them: a rule runs through `recordRetentionRun`
 * (privacy/retention-runs.ts), which records each run and audits one that deleted something.
 */
export function jobsOf(modules: readonly Module[]): readonly JobDefinition[] {
  const jobs = modules.flatMap((module) => [
    ...(module.jobs ?? []).map((job) => ({ job, module })),
    ...(module.retention ?? []).map((rule) => ({
      job: {
        name: rule.name,
        schedule: rule.schedule,
        run: (deps: Deps) => recordRetentionRun(deps, rule),
      } satisfies JobDefinition,
      module,
    })),
  ]);
  unique(
    jobs.map(({ job, module }) => ({ name: job.name, module })),
    'Job',
  );
  return jobs.map(({ job }) => job);
}

/** Hosts every module's pages need with this config, merged per directive. */
export function cspOf(
  modules: readonly Module[],
  config: Readonly<Config>,
): Required<{ [K in keyof CspNeeds]: string[] }> {
  const merged = {
    frameSrc: [],
    scriptSrc: [],
    connectSrc: [],
    imgSrc: [],
    formAction: [],
  } as Required<{
    [K in keyof CspNeeds]: string[];
  }>;
  for (const module of modules) {
    const needs = typeof module.csp === 'function' ? module.csp(config) : module.csp;
    for (const key of Object.keys(merged) as (keyof CspNeeds)[])
      for (const host of needs?.[key] ?? [])
        if (!merged[key].includes(host)) merged[key].push(host);
  }
  return merged;
}

/** Every module's strings in one tree per language; a key defined by two modules is refused. */
export function localesOf(modules: readonly Module[]): { el: LocaleTree; en: LocaleTree } {
  const el: LocaleTree = {};
  const en: LocaleTree = {};
  const owners = new Map<string, string>();
  for (const module of modules) {
    if (!module.locales) continue;
    merge(el, module.locales.el, '', module.name, owners, 'el');
    merge(en, module.locales.en, '', module.name, owners, 'en');
  }
  return { el, en };
}

function merge(
  into: LocaleTree,
  from: LocaleTree,
  prefix: string,
  module: string,
  owners: Map<string, string>,
  lang: string,
): void {
  for (const [key, value] of Object.entries(from)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const existing = into[key];
    if (typeof value === 'string' || typeof existing === 'string') {
      if (existing !== undefined)
        throw new Error(
          `String ${path} (${lang}) is defined by ${owners.get(`${lang}:${path}`) ?? 'another module'} and ${module}`,
        );
      into[key] = value;
      owners.set(`${lang}:${path}`, module);
      continue;
    }
    const branch: LocaleTree = existing ?? {};
    into[key] = branch;
    merge(branch, value, path, module, owners, lang);
  }
}

function unique(items: { name: string; module: Module }[], what: string): string[] {
  const owner = new Map<string, string>();
  for (const { name, module } of items) {
    const other = owner.get(name);
    if (other) throw new Error(`${what} ${name} is declared by ${other} and ${module.name}`);
    owner.set(name, module.name);
  }
  return [...owner.keys()];
}

/** Every key of a tree, dotted ('site.title'). */
export function keysOf(tree: LocaleTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'string' ? [path] : keysOf(value, path);
  });
}

/** Every scope an API key may be given. */
export function apiScopesOf(modules: readonly Module[]): string[] {
  return [...new Set(modules.flatMap((module) => module.apiScopes ?? []))];
}

/** Every setting staff may change, with the module that declares it. */
export function settingsOf(
  modules: readonly Module[],
): { module: string; setting: SettingDefinition }[] {
  const all = modules.flatMap((module) =>
    (module.settings ?? []).map((setting) => ({ module, setting })),
  );
  unique(
    all.map(({ module, setting }) => ({ name: setting.key, module })),
    'Setting',
  );
  return all.map(({ module, setting }) => ({ module: module.name, setting }));
}

/** The paths of the pages every anonymous visitor sees alike (kept rendered), and those also kept with `?page=N`. */
export interface PublicPagePatterns {
  page: RegExp;
  paged: RegExp;
  /** Those that show case work, kept in the work cache (`changesWith: 'work'`). */
  work: RegExp;
}

export function publicPagesOf(modules: readonly Module[]): PublicPagePatterns {
  const all = modules.flatMap((module) =>
    (module.publicPages ?? []).map((page) => ({ ...page, module: module.name })),
  );
  for (const { path, module } of all)
    if (path.source.startsWith('^') || path.source.endsWith('$') || path.flags)
      throw new Error(
        `Public page ${path.source} of ${module}: a pattern without anchors or flags`,
      );
  const join = (paths: RegExp[]) =>
    paths.length ? new RegExp(`^(?:${paths.map((p) => p.source).join('|')})$`) : /(?!)/;
  return {
    page: join(all.map((page) => page.path)),
    paged: join(all.filter((page) => page.paged).map((page) => page.path)),
    work: join(all.filter((page) => page.changesWith === 'work').map((page) => page.path)),
  };
}

/**
 * The pages kept rendered per session until NOTIFY work_changed, as one pattern: staff sections'
 * `keptPages` (under /staff and their prefix) and modules' own citizen `keptPages`.
 */
export function keptPersonalPagesOf(modules: readonly Module[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const all = modules.flatMap((module) => [
    ...(module.staff ?? []).flatMap((section) =>
      (section.keptPages ?? []).map((path) => ({
        path,
        under: escape(`/staff${section.prefix}`),
        module: module.name,
      })),
    ),
    ...(module.keptPages ?? []).map((path) => ({ path, under: '', module: module.name })),
  ]);
  for (const { path, module } of all)
    if (path.source.startsWith('^') || path.source.endsWith('$') || path.flags)
      throw new Error(`Kept page ${path.source} of ${module}: a pattern without anchors or flags`);
  const sources = all.map(({ path, under }) => `${under}${path.source}`);
  return sources.length ? new RegExp(`^(?:${sources.join('|')})$`) : /(?!)/;
}

/** Every mail template (its name, without `.html.ejs`) and the folder that holds it; each has a text part. */
export function emailTemplatesOf(modules: readonly Module[]): ReadonlyMap<string, string> {
  const templates = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const module of modules) {
    if (!module.emails) continue;
    const files = readdirSync(module.emails);
    for (const file of files) {
      if (!file.endsWith('.html.ejs')) continue;
      const name = file.slice(0, -'.html.ejs'.length);
      const other = owner.get(name);
      if (other)
        throw new Error(`Mail template ${name} is declared by ${other} and ${module.name}`);
      if (!files.includes(`${name}.txt.ejs`))
        throw new Error(
          `Mail template ${name} of ${module.name} has no text part (${name}.txt.ejs)`,
        );
      owner.set(name, module.name);
      templates.set(name, path.resolve(module.emails));
    }
  }
  return templates;
}

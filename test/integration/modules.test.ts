import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isCheckViolation,
  isForeignKeyViolation,
  isUniqueViolation,
} from '../../src/db/constraints.ts';
import { migrateLatest } from '../../src/db/migrate.ts';
import { MODULES } from '../../src/features/index.ts';
import { startModuleJobs } from '../../src/features/module-jobs.ts';
import {
  auditActionsOf,
  emailTemplatesOf,
  keysOf,
  localesOf,
  migrationsOf,
  rolesOf,
} from '../../src/features/registry.ts';
import { aboutRenders, sampleModule } from '../fixtures/sample-module/sample.module.ts';
import { demoAccountsOf, seedDemoAccounts } from '../../src/db/demo-accounts.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { untilListening } from '../helpers/caches.ts';
import { createActiveUser, drainMail, newAgent, signIn } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/** The migrations as they were named before they moved into the modules' folders. */
const NAMES_BEFORE_MODULES = [
  '20261121090000_extensions_and_search',
  '20261121090100_sessions',
  '20261121090200_decisions',
  '20261121090300_benefits_and_health',
  '20261121100000_content_notify',
  '20261121110000_users',
  '20261121120100_users_notify',
  '20261121130000_back_office',
  '20261122090000_sign_in_failures',
  '20261122090100_users_drop_lock_columns',
  '20261122090200_form_submissions',
  '20261201110000_users_credential_version',
  '20261201110100_reset_tokens_end_with_password',
  '20261201120000_registration_cancel',
  '20261201130000_identity_document_hash',
  '20261201140000_sessions_notify',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('the modules’ manifests', () => {
  it('give every module the same string keys in Greek and English', () => {
    for (const module of MODULES) {
      if (!module.locales) continue;
      const el = keysOf(module.locales.el).sort();
      const en = keysOf(module.locales.en).sort();
      expect(
        el.filter((key) => !en.includes(key)),
        `${module.name}: only in Greek`,
      ).toEqual([]);
      expect(
        en.filter((key) => !el.includes(key)),
        `${module.name}: only in English`,
      ).toEqual([]);
    }
  });

  it('name every audit action, role, staff section, privacy section and setting in both languages, and declare every action the code writes', () => {
    const strings = localesOf(MODULES);
    const lookup = (tree: unknown, key: string[]) =>
      key.reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], tree);
    const actions = auditActionsOf(MODULES);
    for (const action of actions)
      for (const lang of ['el', 'en'] as const)
        expect(lookup(strings[lang], ['staff', 'actions', action]), `${action} ${lang}`).toEqual(
          expect.any(String),
        );
    for (const role of rolesOf(MODULES))
      for (const lang of ['el', 'en'] as const)
        expect(lookup(strings[lang], role.labelKey.split('.')), `${role.name} ${lang}`).toEqual(
          expect.any(String),
        );
    for (const module of MODULES)
      for (const key of [
        ...(module.staff ?? []).flatMap((section) =>
          section.navKey ? [section.navKey, section.navKey.replace('.nav.', '.navHelp.')] : [],
        ),
        ...(module.privacyNotice
          ? [module.privacyNotice.headingKey, module.privacyNotice.bodyKey]
          : []),
        ...(module.settings ?? []).flatMap((setting) => [
          setting.labelKey,
          setting.hintKey ?? setting.labelKey,
        ]),
      ])
        for (const lang of ['el', 'en'] as const)
          expect(lookup(strings[lang], key.split('.')), `${key} ${lang}`).toEqual(
            expect.any(String),
          );
    const written = new Set<string>();
    for (const file of sourceFiles(path.resolve('src')))
      for (const match of readFileSync(file, 'utf8').matchAll(/action: '([a-z_]+\.[a-z_]+)'/g))
        written.add(match[1]!);
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((action) => !actions.includes(action))).toEqual([]);
  });

  it('keep the migrations’ names, so a database migrated before the move starts on this code', () => {
    const names = Object.keys(migrationsOf(MODULES));
    for (const name of NAMES_BEFORE_MODULES) expect(names).toContain(name);
    expect(names).toEqual([...names].sort());
  });

  it('refuse two modules that claim one migration, string or audit action', () => {
    const twin = { ...sampleModule, name: 'twin' };
    expect(() => migrationsOf([sampleModule, twin])).toThrow(/declared by sample and twin/);
    expect(() => localesOf([sampleModule, twin])).toThrow(/defined by sample and twin/);
    expect(() => auditActionsOf([sampleModule, twin])).toThrow(/declared by sample and twin/);
  });
});

describe('a database migrated before the modules', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('migrates forward from the old list of names alone', async () => {
    // An empty schema, migrated with the migrations as the previous code named them …
    await ctx.db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    const before = migrationsOf(MODULES);
    const old = [
      {
        name: 'before',
        migrations: Object.fromEntries(
          NAMES_BEFORE_MODULES.map((name) => [name, before[name]!] as const),
        ),
      },
    ];
    expect(await migrateLatest(ctx.db, old)).toEqual(NAMES_BEFORE_MODULES);
    await ctx.db('users').insert({
      username: 'old.admin',
      full_name: 'Παλιός Διαχειριστής',
      email: 'old.admin@example.gr',
      password_hash: 'x',
      status: 'active',
      roles: ['admin', 'editor'],
    });
    // … then started on this code: only the new ones run, the accounts keep their roles.
    const applied = await migrateLatest(ctx.db);
    expect(applied.length).toBeGreaterThan(0);
    for (const name of applied) expect(NAMES_BEFORE_MODULES).not.toContain(name);
    expect(await migrateLatest(ctx.db)).toEqual([]);
    const roles = (await ctx.db('roles').pluck('name')) as string[];
    // Every role a module introduces, the old ones among them.
    expect(roles.sort()).toEqual(
      rolesOf(MODULES)
        .map((role) => role.name)
        .sort(),
    );
    expect(roles).toEqual(expect.arrayContaining(['admin', 'clerk', 'editor']));
  });
});

describe('module settings', () => {
  it('are checked with the shared ones, one line naming the setting', () => {
    const modules = [...MODULES, sampleModule];
    expect(loadConfig({}, modules)).toMatchObject({ SAMPLE_GREETING: 'Καλημέρα' });
    const wrong = { ...sampleModule, config: z.object({ SAMPLE_PORT: z.coerce.number().int() }) };
    expect(() => loadConfig({ SAMPLE_PORT: 'many' }, [...MODULES, wrong])).toThrow(
      /^Invalid setting SAMPLE_PORT: /,
    );
    expect(loadConfig({ DIAVGEIA_ORG_ID: '6105' })).toMatchObject({ DIAVGEIA_ORG_ID: '6105' });
  });
});

describe('roles', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('are the rows of the roles table: an unknown one is refused, a held one cannot be deleted', async () => {
    expect(((await ctx.db('roles').pluck('name')) as string[]).sort()).toEqual(
      rolesOf(MODULES)
        .map((role) => role.name)
        .sort(),
    );
    const insert = (roles: string[]) =>
      ctx.db('users').insert({
        username: `r.${roles.join('.') || 'none'}`,
        full_name: 'Ρόλοι',
        email: `r.${roles.join('.') || 'none'}@example.gr`,
        password_hash: 'x',
        status: 'active',
        roles,
      });
    const refusal = (pending: Promise<unknown>) =>
      pending.then(
        () => undefined,
        (e: unknown) => e,
      );
    const unknownRole = await refusal(insert(['treasurer']));
    expect(isCheckViolation(unknownRole, 'users_roles_check')).toBe(true);
    await insert(['clerk']);
    const held = await refusal(ctx.db('roles').where({ name: 'clerk' }).delete());
    expect(isForeignKeyViolation(held)).toBe(true);
    expect(isUniqueViolation(held)).toBe(false);
  });
});

describe('a module plugged in through its manifest alone', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    const modules = [...MODULES, sampleModule];
    ctx = await createTestContext({}, { deps: () => ({ modules }) });
    await migrateLatest(ctx.db, modules);
  });
  afterAll(() => ctx.close());

  it('adds its page, its hub card, its session path, its staff section and its job', async () => {
    const page = await request(ctx.app).get('/sample?lang=en');
    expect(page.status).toBe(200);
    expect(page.text).toBe('Sample service');
    expect(page.headers['content-security-policy']).toContain(
      "frame-src 'self' https://meet.sample.example",
    );
    const hub = await request(ctx.app).get('/');
    expect(hub.text).toContain('href="/sample"');
    expect(hub.text).toContain('Δοκιμαστική υπηρεσία');
    // Its form page gets a session (and a form token) as the modules' session paths say.
    const form = await request(ctx.app).get('/sample/form');
    expect(form.text).toBe('token:yes');

    const reviewer = await signedInStaff(ctx.app, ctx.db, ['sample_reviewer']);
    const section = await reviewer.agent.get('/staff/sample');
    expect(section.status).toBe(200);
    expect(section.text).toBe('Δοκιμαστική ενότητα');
    const staffHome = await reviewer.agent.get('/staff');
    expect(staffHome.text).toContain('href="/staff/sample"');
    const editor = await signedInStaff(ctx.app, ctx.db, ['editor']);
    expect((await editor.agent.get('/staff/sample')).status).toBe(403);
    const citizen = newAgent(ctx.app);
    await signIn(citizen, 'nobody', 'nothing');
    expect((await citizen.get('/staff/sample')).status).toBe(303);

    await startModuleJobs(ctx.deps, ctx.services);
    await ctx.deps.boss.send('sample.note', { text: 'από την ουρά' });
    await expect
      .poll(async () => (await ctx.db('sample_notes').pluck('text')) as string[], {
        timeout: 10_000,
      })
      .toEqual(['από την ουρά']);
    const logged = await ctx.db('audit_log').where({ action: 'sample.noted' }).count({ n: '*' });
    expect(Number((logged[0] as { n: string }).n)).toBe(1);
    // The citizen's account page says what the module has to say.
    const user = await createActiveUser(ctx.db, 'sample-owner');
    const owner = newAgent(ctx.app);
    await signIn(owner, user.username, user.password);
    expect((await owner.get('/account')).text).toContain('Οι σημειώσεις μου: 1');
    // The audit log's filter offers the new action.
    const admin = await signedInStaff(ctx.app, ctx.db, ['admin']);
    expect((await admin.agent.get('/staff/audit')).text).toContain('value="sample.noted"');
  });

  it('adds its public page to the kept pages, its section to the privacy notice, its demo data and demo account', async () => {
    await untilListening(ctx.deps.contentCache);
    const before = aboutRenders.count;
    for (let i = 0; i < 3; i += 1)
      expect((await request(ctx.app).get('/sample-about?lang=en')).text).toBe(
        '<p>Sample service</p>',
      );
    expect(aboutRenders.count - before).toBe(1);

    const privacy = await request(ctx.app).get('/privacy?lang=en');
    // A section's figures come from the settings staff change.
    expect(privacy.text).toContain('never activated is deleted after 7 days');
    for (const heading of ['The sample notes', 'Your account', 'The identity check at the counter'])
      expect(privacy.text).toContain(heading);
    expect((await request(ctx.app).get('/privacy?lang=el')).text).toContain(
      'Οι δοκιμαστικές σημειώσεις',
    );

    const modules = [...MODULES, sampleModule];
    await ctx.db('sample_notes').delete();
    const loaded = await seedDemoData(
      ctx.db,
      ctx.deps.documents,
      { municipality: 'Δήμος', today: new Date('2026-11-21T10:00:00Z') },
      [sampleModule],
    );
    expect(loaded).toEqual(['sample']);
    expect(await ctx.db('sample_notes').pluck('text')).toEqual(['δοκιμαστική σημείωση']);
    // Run again, it leaves the module's data alone.
    expect(
      await seedDemoData(ctx.db, ctx.deps.documents, { municipality: 'Δήμος', today: new Date() }, [
        sampleModule,
      ]),
    ).toEqual([]);

    const accounts = demoAccountsOf(modules);
    expect(accounts.map((a) => a.username)).toContain('demo.sample');
    const created = await seedDemoAccounts(ctx.db, { production: false, now: new Date() }, [
      accounts.find((a) => a.username === 'demo.sample')!,
    ]);
    expect(created).toEqual(['demo.sample']);
    const reviewer = newAgent(ctx.app);
    await signIn(reviewer, 'demo.sample', 'Sample-Reviewer-Notebook-2026');
    expect((await reviewer.get('/staff/sample')).status).toBe(200);
  });

  it('sends its mail from the templates in its folder, in the recipient’s language', async () => {
    await ctx.deps.mailer.send(
      'sample-note',
      { email: 'reader@example.gr', lang: 'en' },
      { fullName: 'Reader' },
    );
    const sent = await drainMail(ctx.deps);
    const mail = sent.find((m) => m.to === 'reader@example.gr');
    expect(mail?.subject).toBe('A new note');
    expect(mail?.text).toContain('A note was written.');
    expect(mail?.html).toContain('Dear Reader,');
    expect(() => emailTemplatesOf([sampleModule, { ...sampleModule, name: 'copy' }])).toThrow(
      /sample-note is declared by sample and copy/,
    );
  });

  it('gives every staff role a demo account, from the module that introduces the role', () => {
    const accounts = demoAccountsOf([...MODULES, sampleModule]);
    for (const role of rolesOf([...MODULES, sampleModule]))
      expect(
        accounts.some((account) => account.roles.includes(role.name)),
        role.name,
      ).toBe(true);
    const roles = new Set(rolesOf([...MODULES, sampleModule]).map((role) => role.name));
    for (const account of accounts)
      for (const role of account.roles) expect(roles, account.username).toContain(role);
  });
});

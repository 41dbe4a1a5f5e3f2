import type { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/migrate.ts';
import { MODULES } from '../../src/features/index.ts';
import { sampleModule } from '../fixtures/sample-module/sample.module.ts';
import { type Agent, createActiveUser, newAgent, signIn } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every GET route of a router, nested routers included, with made-up values for its parameters. */
function getRoutes(router: Router): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route)
        return layer.route.methods.get && typeof layer.route.path === 'string'
          ? [
              layer.route.path.replace(/:(\w+)/g, (_m, name: string) =>
                /id$/i.test(name) ? '999999' : 'no-such-thing',
              ),
            ]
          : [];
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((router as unknown as { stack: Layer[] }).stack);
}

let ctx: TestContext;
let routes: { module: string; path: string }[];
let citizen: Agent;
let verified: Agent;

beforeAll(async () => {
  const modules = [...MODULES, sampleModule];
  ctx = await createTestContext({}, { deps: () => ({ modules }) });
  await migrateLatest(ctx.db, modules);
  const routers = ctx.app.get('module routers') as { module: string; router: Router }[];
  routes = routers.flatMap(({ module, router }) =>
    getRoutes(router).map((path) => ({ module, path })),
  );
  const plain = await createActiveUser(ctx.db, 'walk-citizen');
  citizen = newAgent(ctx.app);
  await signIn(citizen, plain.username, plain.password);
  const checked = await createActiveUser(ctx.db, 'walk-verified', {
    identity_verified_at: new Date(),
    identity_channel: 'counter',
  });
  verified = newAgent(ctx.app);
  await signIn(verified, checked.username, checked.password);
});
afterAll(() => ctx.close());

describe("every module's citizen routes, read off the routers the app mounted", () => {
  it('finds them in every module that has routes', () => {
    const modules = new Set(routes.map((route) => route.module));
    for (const name of ['site', 'accounts', 'decisions', 'benefits', 'health', 'admin', 'sample'])
      expect(modules, name).toContain(name);
    expect(routes.length).toBeGreaterThan(30);
  });

  it('sends anonymous visitors to sign-in where an account is needed, and never fails', async () => {
    const signInFirst: string[] = [];
    for (const { path } of routes) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBeLessThan(500);
      if (res.status === 303 && String(res.headers.location).startsWith('/login'))
        signInFirst.push(path);
    }
    for (const path of ['/account', '/sample/mine', '/sample/verified/999999'])
      expect(signInFirst).toContain(path);
    // A signed-in citizen is not sent to sign in again by any of them.
    for (const path of signInFirst) {
      const res = await citizen.get(path);
      expect(res.status, path).toBeLessThan(500);
      expect(String(res.headers.location ?? ''), path).not.toMatch(/^\/login/);
    }
  });

  it('refuses a citizen whose identity was not checked where the check is needed, and only there', async () => {
    const refused: string[] = [];
    const needTaxisnet: string[] = [];
    for (const { module, path } of routes) {
      const res = await citizen.get(path);
      expect(res.status, path).toBeLessThan(500);
      if (res.status !== 403) continue;
      // The ΚΕΠ's pages ask a password session, checked or not, to confirm with TaxisNet.
      if (module === 'kep' && res.text.includes('action="/account/taxisnet"')) {
        needTaxisnet.push(path);
        continue;
      }
      refused.push(path);
      expect((await verified.get(path)).status, path).not.toBe(403);
    }
    expect(needTaxisnet).toContain('/kep/book');
    expect(needTaxisnet).toContain('/kep/appointments');
    expect(needTaxisnet).not.toContain('/kep');
    expect(refused).toEqual([
      '/dues',
      '/dues/statement.pdf',
      '/dues/999999',
      '/sample/verified/999999',
    ]);
  });
});

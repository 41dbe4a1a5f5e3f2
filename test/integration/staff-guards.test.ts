import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/features/accounts/users.repository.ts';
import type { StaffSection } from '../../src/features/staff/staff-access.ts';
import { type Agent, createActiveUser, csrfFrom, newAgent, signIn } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/** The routes of a router and of the routers it uses (mounted at its root). */
function routesOf(stack: RouteLayer[]): { path: string; methods: Record<string, boolean> }[] {
  return stack.flatMap((layer) =>
    layer.route ? [layer.route] : layer.handle?.stack ? routesOf(layer.handle.stack) : [],
  );
}

/** Every route of every back-office section, read off the routers the app really mounted. */
function staffRoutes(app: Express): { method: 'get' | 'post'; path: string; role: Role }[] {
  const sections = app.get('staff sections') as StaffSection[];
  return sections.flatMap((section) =>
    routesOf(section.router.stack as RouteLayer[]).flatMap((route) =>
      Object.keys(route.methods)
        .filter((m): m is 'get' | 'post' => m === 'get' || m === 'post')
        .map((method) => ({
          method,
          path: `/staff${section.prefix}${route.path === '/' ? '' : route.path}`.replace(
            /:\w+/g,
            '1',
          ),
          role: section.role,
        })),
    ),
  );
}

let ctx: TestContext;
let citizen: Agent;
const staff: Partial<Record<Role, Agent>> = {};
let routes: ReturnType<typeof staffRoutes>;

beforeAll(async () => {
  ctx = await createTestContext();
  routes = staffRoutes(ctx.app);
  const user = await createActiveUser(ctx.db, 'guard-citizen');
  citizen = newAgent(ctx.app);
  await signIn(citizen, user.username, user.password);
  for (const role of ['clerk', 'editor', 'admin', 'handler', 'finance', 'kep_manager'] as const)
    staff[role] = (await signedInStaff(ctx.app, ctx.db, [role])).agent;
});
afterAll(() => ctx.close());

const csrfFor = (agent: Agent) => csrfFrom(agent, '/account');

describe('every /staff route checks the role on the server', () => {
  it('finds the back office routes (the table is not empty)', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(new Set(routes.map((r) => r.role))).toEqual(
      new Set(['clerk', 'editor', 'admin', 'handler', 'finance', 'kep_manager']),
    );
  });

  it('sends anonymous visitors to sign-in, for every route', async () => {
    for (const route of [
      ...routes,
      { method: 'get' as const, path: '/staff', role: 'clerk' as Role },
      { method: 'get' as const, path: '/staff/no-such-page', role: 'clerk' as Role },
    ]) {
      const res = await request(ctx.app)[route.method](route.path);
      expect([303, 403], `${route.method} ${route.path}`).toContain(res.status);
      if (route.method === 'get') expect(res.headers.location, route.path).toMatch(/^\/login/);
    }
  });

  it('refuses a signed-in citizen (403), for every route', async () => {
    const _csrf = await csrfFor(citizen);
    for (const route of routes) {
      const res =
        route.method === 'get'
          ? await citizen.get(route.path)
          : await citizen.post(route.path).type('form').send({ _csrf });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });

  it('refuses staff without the section role (403), and lets the right role through', async () => {
    for (const route of routes) {
      for (const role of [
        'clerk',
        'editor',
        'admin',
        'handler',
        'finance',
        'kep_manager',
      ] as const) {
        const agent = staff[role]!;
        const res =
          route.method === 'get'
            ? await agent.get(route.path)
            : await agent
                .post(route.path)
                .type('form')
                .send({ _csrf: await csrfFor(agent) });
        if (role === route.role)
          expect(res.status, `${role} ${route.method} ${route.path}`).not.toBe(403);
        else expect(res.status, `${role} ${route.method} ${route.path}`).toBe(403);
      }
    }
    // Every staff route, six roles each: the list grows with every module.
  }, 120_000);
});

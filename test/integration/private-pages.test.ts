import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, newAgent, signIn } from '../helpers/accounts.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// Issue 7, item 4: Back after sign-out showed the account page and staff records from the cache.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('pages seen with a session are never stored', () => {
  it('every page a signed-in citizen sees is no-store, public ones included', async () => {
    const user = await createActiveUser(ctx.db, 'ns1');
    const agent = newAgent(ctx.app);
    expect((await signIn(agent, user.username, user.password)).status).toBe(303);
    for (const path of ['/account', '/', '/decisions', '/benefits', '/contact']) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.headers.vary ?? '', path).toMatch(/cookie/i);
    }
  });

  it('staff pages are no-store', async () => {
    const { agent } = await signedInStaff(ctx.app, ctx.db, ['admin', 'clerk', 'editor']);
    for (const path of ['/staff', '/staff/citizens', '/staff/users', '/staff/audit']) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('the sign-in form (it holds a token) is no-store; an anonymous public page is not', async () => {
    const agent = newAgent(ctx.app);
    expect((await agent.get('/login')).headers['cache-control']).toBe('no-store');
    const anonymous = await newAgent(ctx.app).get('/decisions');
    expect(anonymous.headers['cache-control'] ?? '').not.toContain('no-store');
  });
});

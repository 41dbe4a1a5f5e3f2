import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createActiveUser, csrfFrom, signIn } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * Behind one proxy (TRUST_PROXY=1) the client's address is the one that proxy appended, the last
 * in X-Forwarded-For: whatever a client writes before it is not believed.
 */
describe('TRUST_PROXY=1 behind one proxy', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ TRUST_PROXY: '1' });
  });
  afterAll(() => ctx.close());

  const REAL_CLIENT = '198.51.100.20';

  it('throttles sign-ins per real client however the leftmost X-Forwarded-For varies', async () => {
    const agent = request.agent(ctx.app).set('X-Forwarded-For', REAL_CLIENT);
    const _csrf = await csrfFrom(agent, '/login');
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const res = await agent
        .post('/login')
        .set('X-Forwarded-For', `203.0.113.${i}, ${REAL_CLIENT}`)
        .type('form')
        // A different name each time: only the per-address limit can stop these.
        .send({ login: `nobody.${i}`, password: 'wrong password here', _csrf });
      statuses.push(res.status);
    }
    const throttled = statuses.filter((status) => status === 429).length;
    expect(throttled).toBeGreaterThanOrEqual(10);
    // The first ones were answered normally (wrong name or password), not throttled.
    expect(statuses[0]).not.toBe(429);
  });

  it('counts only failed sign-ins per address: a service desk signing many people in is not locked out', async () => {
    const office = '198.51.100.40';
    const user = await createActiveUser(ctx.db, 'desk-citizen');
    for (let i = 0; i < 35; i += 1) {
      const agent = request.agent(ctx.app).set('X-Forwarded-For', office);
      expect((await signIn(agent, user.username, user.password)).status, `sign-in ${i}`).toBe(303);
    }
    // Failures still count: the 31st failure from the address is throttled.
    const agent = request.agent(ctx.app).set('X-Forwarded-For', office);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1)
      statuses.push((await signIn(agent, `nobody.desk.${i}`, 'wrong password here')).status);
    expect(statuses.slice(0, 30)).not.toContain(429);
    expect(statuses[30]).toBe(429);
  });

  it('keeps attempts sent all at once within the limit', async () => {
    const address = '198.51.100.41';
    const agent = request.agent(ctx.app).set('X-Forwarded-For', address);
    const _csrf = await csrfFrom(agent, '/login');
    const statuses = await Promise.all(
      Array.from({ length: 45 }, (_v, i) =>
        agent
          .post('/login')
          .type('form')
          .send({ login: `nobody.burst.${i}`, password: 'wrong password here', _csrf })
          .then((res) => res.status),
      ),
    );
    expect(statuses.filter((status) => status !== 429).length).toBeLessThanOrEqual(30);
  });

  it('records the address the trusted hop reports in the audit log, not the spoofed one', async () => {
    const agent = request.agent(ctx.app).set('X-Forwarded-For', '198.51.100.77');
    const _csrf = await csrfFrom(agent, '/login');
    const res = await agent
      .post('/login')
      .set('X-Forwarded-For', '6.6.6.6, 198.51.100.77')
      .set('X-Request-Id', 'proxy-audit-test-1')
      .type('form')
      .send({ login: 'nobody.audit', password: 'wrong password here', _csrf });
    expect(res.status).toBeLessThan(500);
    const rows = (await ctx.db('audit_log').where({ request_id: 'proxy-audit-test-1' })) as {
      ip: string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.ip).toBe('198.51.100.77');
  });
});

describe('TRUST_PROXY not set', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ TRUST_PROXY: '' });
  });
  afterAll(() => ctx.close());

  it('trusts no X-Forwarded-For: the audit log has the connecting address', async () => {
    const agent = request.agent(ctx.app);
    const _csrf = await csrfFrom(agent, '/login');
    await agent
      .post('/login')
      .set('X-Forwarded-For', '6.6.6.6')
      .set('X-Request-Id', 'proxy-audit-test-2')
      .type('form')
      .send({ login: 'nobody.direct', password: 'wrong password here', _csrf });
    const rows = (await ctx.db('audit_log').where({ request_id: 'proxy-audit-test-2' })) as {
      ip: string;
    }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('the TRUST_PROXY setting', () => {
  it('refuses true with one line saying what to use instead', () => {
    for (const value of ['true', 'TRUE', 'yes']) {
      let error: unknown;
      try {
        loadConfig({ TRUST_PROXY: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid setting TRUST_PROXY: /);
      expect(message).not.toContain('\n');
      expect(message).toMatch(/number of proxies/);
      expect(message).toMatch(/loopback/);
    }
  });

  it('takes a hop count, or a list of addresses, subnets and names', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback, uniquelocal,10.0.0.0/8, 192.0.2.1,fd00::/8' })
        .TRUST_PROXY,
    ).toEqual(['loopback', 'uniquelocal', '10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'proxy.example.gov.gr', '1.2.3', '-1', 'loopback,,']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/^Invalid setting TRUST_PROXY: /);
    }
  });
});

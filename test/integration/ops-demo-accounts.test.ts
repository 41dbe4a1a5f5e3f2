import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  DemoDataInProductionError,
  seedDemoAccounts,
} from '../../src/db/demo-accounts.ts';
import { isValidAfm } from '../../src/lib/afm.ts';
import {
  MIN_PASSWORD_LENGTH,
  MIN_STAFF_PASSWORD_LENGTH,
  passwordProblem,
} from '../../src/lib/passwords.ts';
import { newAgent, signIn } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const usernames = DEMO_ACCOUNTS.map((a) => a.username);
const countDemoUsers = async () =>
  (
    (await ctx.db('users').whereIn('username', usernames).count({ n: '*' }).first()) as {
      n: number;
    }
  ).n;

describe('demo accounts', () => {
  it('are never created with the production setting', async () => {
    await expect(
      seedDemoAccounts(ctx.db, { production: true, now: new Date() }),
    ).rejects.toBeInstanceOf(DemoDataInProductionError);
    expect(await countDemoUsers()).toBe(0);
  });

  it('have a citizen, a verified citizen and one account per staff role, with passwords the policy accepts', () => {
    expect(DEMO_ACCOUNTS.map((a) => a.role)).toEqual([
      'citizen',
      'verified citizen',
      'editor',
      'handler',
      'kep_manager',
      'verified citizen with instalments',
      'verified citizen who owes nothing',
      'finance',
      'clerk',
      'admin',
    ]);
    for (const account of DEMO_ACCOUNTS) {
      const min = account.roles.length ? MIN_STAFF_PASSWORD_LENGTH : MIN_PASSWORD_LENGTH;
      expect(passwordProblem(account.password, account.username, min), account.username).toBe(
        undefined,
      );
    }
  });

  it('are created by the demo seed, once, and each can sign in', async () => {
    const created = await seedDemoAccounts(ctx.db, { production: false, now: new Date() });
    expect(created.sort()).toEqual([...usernames].sort());
    expect(await seedDemoAccounts(ctx.db, { production: false, now: new Date() })).toEqual([]);
    expect(await countDemoUsers()).toBe(DEMO_ACCOUNTS.length);

    for (const account of DEMO_ACCOUNTS) {
      const agent = newAgent(ctx.app);
      const res = await signIn(agent, account.username, account.password);
      expect(res.status, account.username).toBe(303);
      const row = (await ctx.db('users').where({ username: account.username }).first()) as {
        roles: string[];
        status: string;
      };
      expect(row.status).toBe('active');
      expect(row.roles).toEqual(account.roles);
    }
  });

  it('include a citizen whose identity a clerk checked (AFM with a valid check digit)', async () => {
    const verified = (await ctx.db('users').where({ username: 'demo.verified' }).first()) as {
      id: number;
      identity_verified_at: Date | null;
      afm: string;
    };
    expect(verified.identity_verified_at).not.toBeNull();
    expect(isValidAfm(verified.afm)).toBe(true);
    const check = (await ctx
      .db('identity_checks as i')
      .join('users as clerk', 'clerk.id', 'i.clerk_id')
      .where('i.user_id', verified.id)
      .first('i.afm', 'i.revoked_at', 'i.document_number_masked', 'clerk.username')) as {
      afm: string;
      revoked_at: Date | null;
      document_number_masked: string;
      username: string;
    };
    expect(check).toMatchObject({ afm: verified.afm, revoked_at: null, username: 'demo.clerk' });
    expect(check.document_number_masked).toMatch(/^..•+..$/);
  });

  it('are listed in the README with their passwords', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Demo accounts'));
    for (const account of DEMO_ACCOUNTS) {
      const row = section.split('\n').find((line) => line.includes(`\`${account.username}\``));
      expect(row, account.username).toBeDefined();
      expect(row).toContain(`\`${account.password}\``);
      expect(row).toContain(account.role);
    }
  });
});

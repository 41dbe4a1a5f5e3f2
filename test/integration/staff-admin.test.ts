import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agent,
  csrfFrom,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
} from '../helpers/accounts.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let admin: Agent;
let adminId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin, id: adminId } = await signedInStaff(ctx.app, ctx.db, ['admin']));
});
afterAll(() => ctx.close());

const csrf = csrfFrom;
const post = async (
  agent: Agent,
  path: string,
  fields: Record<string, string | string[]>,
  page = '/staff/users',
) =>
  agent
    .post(path)
    .type('form')
    .send({ ...fields, _csrf: await csrf(agent, page) });

describe('staff administration', () => {
  it('invites a staff member, who sets a strong password from the email and signs in to their section', async () => {
    const res = await post(
      admin,
      '/staff/users/new',
      {
        fullName: 'Κατερίνα Συντάκτρια',
        username: 'katerina.editor',
        email: 'katerina@example.gov.gr',
        roles: ['editor'],
      },
      '/staff/users/new',
    );
    expect(res.status).toBe(303);
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe('katerina@example.gov.gr');
    const path = linkIn(mail!, '/invite');
    const agent = newAgent(ctx.app);
    const weak = await postForm(agent, path, path, {
      password: 'short but 12',
      passwordConfirm: 'short but 12',
    });
    expect(cheerio.load(weak.text)('#password-error').text()).toContain('14');
    expect(
      (
        await postForm(agent, path, path, {
          password: STAFF_PASSWORD,
          passwordConfirm: STAFF_PASSWORD,
        })
      ).status,
    ).toBe(303);
    expect((await agent.get(path)).status).toBe(410);
    const signedIn = await signIn(agent, 'katerina.editor', STAFF_PASSWORD);
    expect(signedIn.headers.location).toBe('/staff');
    expect((await agent.get('/staff/decisions')).status).toBe(200);
    expect((await agent.get('/staff/citizens')).status).toBe(403);
    const cookie = ([] as string[])
      .concat((signedIn.headers['set-cookie'] as string[] | undefined) ?? [])
      .find((c) => c.startsWith('sid='));
    // Staff sessions end after 15 idle minutes.
    const home = await agent.get('/staff');
    const refreshed =
      ([] as string[])
        .concat((home.headers['set-cookie'] as string[] | undefined) ?? [])
        .find((c) => c.startsWith('sid=')) ?? cookie!;
    const expires = Date.parse(/Expires=([^;]+)/.exec(refreshed)![1]!);
    expect(expires - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000 + 5000);
  });

  it('refuses an invitation with bad fields, with messages at the fields', async () => {
    const res = await post(
      admin,
      '/staff/users/new',
      { fullName: '', username: 'x', email: 'no', roles: [] },
      '/staff/users/new',
    );
    const $ = cheerio.load(res.text);
    expect(res.status).toBe(400);
    for (const field of ['fullName', 'username', 'email', 'roles'])
      expect($(`#${field}-error`).length, field).toBe(1);
  });

  it('changes roles and never leaves the portal without an active admin', async () => {
    const other = await signedInStaff(ctx.app, ctx.db, ['clerk']);
    expect(
      (
        await post(
          admin,
          `/staff/users/${other.id}/roles`,
          { roles: ['clerk', 'editor'] },
          `/staff/users/${other.id}`,
        )
      ).status,
    ).toBe(303);
    expect(
      ((await ctx.db('users').where({ id: other.id }).first('roles')) as { roles: string[] }).roles,
    ).toEqual(['clerk', 'editor']);
    await expect
      .poll(async () => (await other.agent.get('/staff/decisions')).status, { timeout: 2000 })
      .toBe(200);

    const selfDemotion = await post(
      admin,
      `/staff/users/${adminId}/roles`,
      { roles: ['clerk'] },
      `/staff/users/${adminId}`,
    );
    expect(selfDemotion.status).toBe(400);
    expect(cheerio.load(selfDemotion.text)('#roles-error').text()).toContain(
      'τουλάχιστον ένας ενεργός διαχειριστής',
    );
    const second = await signedInStaff(ctx.app, ctx.db, ['admin']);
    expect(
      (
        await post(
          admin,
          `/staff/users/${adminId}/roles`,
          { roles: ['admin', 'clerk'] },
          `/staff/users/${adminId}`,
        )
      ).status,
    ).toBe(303);
    expect(
      (
        await post(
          second.agent,
          `/staff/users/${adminId}/roles`,
          { roles: ['clerk'] },
          `/staff/users/${adminId}`,
        )
      ).status,
    ).toBe(303);
    expect(
      (
        await post(
          second.agent,
          `/staff/users/${second.id}/roles`,
          { roles: ['editor'] },
          `/staff/users/${second.id}`,
        )
      ).status,
    ).toBe(400);
    await ctx
      .db('users')
      .where({ id: adminId })
      .update({ roles: ['admin', 'clerk'] });
  });

  it('disables an account: its sessions end and it cannot sign in', async () => {
    const other = await signedInStaff(ctx.app, ctx.db, ['editor']);
    await expect.poll(async () => (await admin.get('/staff')).status, { timeout: 2000 }).toBe(200);
    expect(
      (
        await post(
          admin,
          `/staff/users/${other.id}/disable`,
          { confirm: 'yes' },
          `/staff/users/${other.id}/disable`,
        )
      ).status,
    ).toBe(303);
    expect((await other.agent.get('/staff/decisions')).status).toBe(303);
    expect((await signIn(newAgent(ctx.app), other.username, STAFF_PASSWORD)).status).toBe(401);
    expect(
      (
        await post(
          admin,
          `/staff/users/${adminId}/disable`,
          { confirm: 'yes' },
          `/staff/users/${adminId}`,
        )
      ).status,
    ).toBe(400);
  });

  it('shows the audit log with filters by actor, action and date', async () => {
    const all = cheerio.load((await admin.get('/staff/audit')).text);
    expect(all('tbody tr').length).toBeGreaterThan(3);
    const me = (await ctx.db('users').where({ id: adminId }).first('username')) as {
      username: string;
    };
    const invited = cheerio.load(
      (await admin.get(`/staff/audit?actor=${me.username}&action=staff.invited`)).text,
    );
    expect(invited('tbody tr').length).toBe(1);
    expect(invited('tbody tr td').eq(1).text()).toContain('Πρόσκληση προσωπικού');
    const future = cheerio.load(
      (await admin.get('/staff/audit?from-day=1&from-month=1&from-year=2999')).text,
    );
    expect(future('tbody tr').length).toBe(0);
    expect((await admin.get('/staff/audit?action=nope&page=-4')).status).toBe(200);
    const notADate = await admin.get('/staff/audit?from-day=abc&from-month=1&from-year=2026');
    expect(notADate.status).toBe(400);
    expect(cheerio.load(notADate.text)('#from-error').text()).toContain('Από');
  });
});

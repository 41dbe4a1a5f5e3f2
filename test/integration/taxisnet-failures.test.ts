/**
 * TaxisNet sign-in when things go wrong: GSIS unreachable, an answer that is not its userinfo, a
 * token request it refuses; and what the rest of the portal makes of an account without a
 * password (the database's rules, the counter's search, password reset, the pending clean-up).
 */
import type { Server } from 'node:http';
import * as cheerio from 'cheerio';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The helpers load the app, and with it every module, before the stand-in is imported: imported
// first, the stand-in loads taxisnet.config.ts, which loads config.ts and so every module, the
// taxisnet module among them, before taxisnet.config.ts has defined the settings that module
// declares (loadConfig then drops GSIS_*, for this file and the next ones in this worker).
import {
  createActiveUser,
  drainMail,
  newAgent,
  postForm,
  type Agent,
} from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { listeningPortal, redirectPath, throughTaxisnet } from '../helpers/taxisnet.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { isCheckViolation, isUniqueViolation } from '../../src/db/constraints.ts';
import type { Db } from '../../src/db/knex.ts';
import { deleteStalePendingAccounts } from '../../src/features/accounts/pending-accounts.ts';
import { createGsisStandIn } from '../../src/features/taxisnet/dev/gsis-stand-in.routes.ts';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;
type Answer = Awaited<ReturnType<Agent['get']>>;

/** Credentials "issued by GSIS" for the portals below (not the stand-in's public dev client). */
const CLIENT_ID = 'dimos-test-client';
const CLIENT_SECRET = 'issued-by-gsis-for-these-tests';
const [, TAXPAYER_A, TAXPAYER_B, TAXPAYER_C] = TEST_TAXPAYERS;
const DAY_MS = 24 * 3600_000;

/** The failure pages' headings (taxisnet/locales/el.json, taxisnet.failed.*.title). */
const FAILED = {
  unreachable: 'Το TaxisNet δεν απάντησε',
  oddReply: 'Η απάντηση του TaxisNet δεν διαβάστηκε',
  gsisError: 'Το TaxisNet αρνήθηκε τη σύνδεση',
};

/** A failure page: a 4xx (never a 5xx) with its heading, and the ways back to sign in. */
function expectFailurePage(answer: Answer, headings: string[]): void {
  expect(answer.status, answer.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  const $ = cheerio.load(answer.text);
  expect(headings).toContain($('h1').text().trim());
  expect($('main a[href="/auth/taxisnet"]').length).toBe(1);
  expect($('main a[href="/login"]').length).toBe(1);
}

async function userCount(db: Db): Promise<number> {
  const [{ count }] = (await db('users').count({ count: '*' })) as [{ count: string | number }];
  return Number(count);
}

function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('a GSIS that does not answer', () => {
  let portal: Portal;
  let gsisOrigin: string;
  beforeAll(async () => {
    // Nothing listens on this port: every call to "GSIS" is refused at once.
    gsisOrigin = `http://127.0.0.1:${await freePort()}`;
    portal = await listeningPortal({
      GSIS_BASE_URL: gsisOrigin,
      GSIS_CLIENT_ID: CLIENT_ID,
      GSIS_CLIENT_SECRET: CLIENT_SECRET,
    });
  });
  afterAll(() => portal.close());

  it('sends the browser to its authorize URL, then answers GSIS’s return with a page saying it did not answer', async () => {
    const agent = portal.agent();
    const started = await agent.get('/auth/taxisnet');
    expect(started.status).toBe(302);
    const authorize = new URL(started.headers.location as string);
    expect(authorize.origin).toBe(gsisOrigin);
    expect(authorize.pathname).toBe('/oauth2server/oauth/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${portal.base}/auth/taxisnet/callback`,
    );
    const state = authorize.searchParams.get('state');
    expect(state).toBeTruthy();

    const users = await userCount(portal.ctx.db);
    const back = await agent.get(
      `/auth/taxisnet/callback?code=x&state=${encodeURIComponent(state!)}`,
    );
    expectFailurePage(back, [FAILED.unreachable]);
    expect(await userCount(portal.ctx.db)).toBe(users);
  });
});

describe('a GSIS on a server of its own (the stand-in on another port)', () => {
  let portal: Portal;
  let gsis: Server;
  let gsisOrigin: string;
  let standIn: RequestHandler = (_req, _res, next) => next();

  /** The stand-in answering on gsisOrigin from now on (userinfo's XML, the secret it expects). */
  function useStandIn(options: { userinfoXml?: () => string; clientSecret?: string } = {}) {
    standIn = createGsisStandIn({
      portalBaseUrl: portal.base,
      clientId: CLIENT_ID,
      clientSecret: options.clientSecret ?? CLIENT_SECRET,
      ...(options.userinfoXml ? { userinfoXml: options.userinfoXml } : {}),
    });
  }

  beforeAll(async () => {
    const port = await freePort();
    gsisOrigin = `http://127.0.0.1:${port}`;
    // The portal's address is known once it listens: the stand-in is made after it.
    gsis = await listen(
      express().use((req, res, next) => standIn(req, res, next)),
      port,
    );
    portal = await listeningPortal({
      GSIS_BASE_URL: `${gsisOrigin}/dev/gsis`,
      GSIS_CLIENT_ID: CLIENT_ID,
      GSIS_CLIENT_SECRET: CLIENT_SECRET,
    });
  });
  afterAll(async () => {
    await portal?.close();
    await stop(gsis);
  });

  /**
   * /auth/taxisnet, then the taxpayer allowed at the other origin (the stand-in's form, sent
   * straight: its page needs the portal's layout, which a bare Express app has not). Returns the
   * portal's callback path, with GSIS's code and the state.
   */
  async function authorizedCallback(agent: Agent, afm: string): Promise<string> {
    const started = await agent.get('/auth/taxisnet');
    expect(started.status).toBe(302);
    const authorize = new URL(started.headers.location as string);
    expect(authorize.origin).toBe(gsisOrigin);
    expect(authorize.pathname).toBe('/dev/gsis/oauth2server/oauth/authorize');
    const decide = new URL('/dev/gsis/oauth2server/oauth/authorize/decide', gsisOrigin);
    for (const [name, value] of authorize.searchParams) decide.searchParams.set(name, value);
    decide.searchParams.set('taxpayer', afm);
    decide.searchParams.set('decision', 'allow');
    const decided = await request.agent(gsisOrigin).get(decide.pathname + decide.search);
    expect(decided.status, decided.text.slice(0, 300)).toBe(302);
    return redirectPath(decided.headers.location as string, portal.base);
  }

  it('reads the stand-in’s realistic answer (a root, padded attributes) from the other server', async () => {
    useStandIn();
    const agent = portal.agent();
    const back = await agent.get(await authorizedCallback(agent, TAXPAYER_A!.taxid));
    expect(back.status).toBe(303);
    expect(redirectPath(back.headers.location as string, portal.base)).toBe(
      '/auth/taxisnet/details',
    );
    const details = cheerio.load((await agent.get('/auth/taxisnet/details')).text);
    expect(details('main').text()).toContain(TAXPAYER_A!.taxid);
    expect(details('#fullName').attr('value')).toBe(
      `${TAXPAYER_A!.firstname} ${TAXPAYER_A!.lastname}`,
    );
  });

  it('reads an answer with odd spacing and line breaks inside the root', async () => {
    const t = TAXPAYER_B!;
    useStandIn({
      userinfoXml: () =>
        `<?xml version="1.0" encoding="UTF-8"?>\n<root>\n\t<userinfo  userid="  ${t.userid} "\n   taxid="   ${t.taxid}        "  lastname="${t.lastname}   "\n firstname="  ${t.firstname}" fathername="${t.fathername}" mothername="${t.mothername}" birthyear="${t.birthyear}" />\n</root>\n`,
    });
    const agent = portal.agent();
    const back = await agent.get(await authorizedCallback(agent, t.taxid));
    expect(redirectPath(back.headers.location as string, portal.base)).toBe(
      '/auth/taxisnet/details',
    );
    const details = cheerio.load((await agent.get('/auth/taxisnet/details')).text);
    expect(details('#fullName').attr('value')).toBe(`${t.firstname} ${t.lastname}`);
  });

  it('answers userinfo that is not GSIS’s XML with a page saying the answer could not be read, and opens no account', async () => {
    useStandIn({ userinfoXml: () => '<html>oops</html>' });
    const users = await userCount(portal.ctx.db);
    const agent = portal.agent();
    const back = await agent.get(await authorizedCallback(agent, TAXPAYER_C!.taxid));
    expectFailurePage(back, [FAILED.oddReply]);
    expect(await userCount(portal.ctx.db)).toBe(users);
    // Nothing was kept for the details form either.
    const details = await agent.get('/auth/taxisnet/details');
    expect([details.status, details.headers.location]).toEqual([303, '/login']);
  });

  it('answers userinfo that is not XML at all with the same page', async () => {
    useStandIn({ userinfoXml: () => 'Service Temporarily Unavailable' });
    const agent = portal.agent();
    const back = await agent.get(await authorizedCallback(agent, TAXPAYER_C!.taxid));
    expectFailurePage(back, [FAILED.oddReply]);
  });

  it('answers a code presented a second time (the token endpoint refuses it) with a page, never a 5xx', async () => {
    useStandIn();
    const agent = portal.agent();
    const first = await authorizedCallback(agent, TAXPAYER_C!.taxid);
    expect((await agent.get(first)).status).toBe(303);
    const users = await userCount(portal.ctx.db);

    // A sign-in started afresh (its own state) carrying the code that was already spent.
    const replay = new URL(await authorizedCallback(agent, TAXPAYER_C!.taxid), portal.base);
    replay.searchParams.set('code', new URL(first, portal.base).searchParams.get('code')!);
    const again = await agent.get(replay.pathname + replay.search);
    // Past the state check: the token endpoint's refusal is what the page is about.
    expectFailurePage(again, [FAILED.unreachable, FAILED.gsisError]);
    expect(await userCount(portal.ctx.db)).toBe(users);
  });

  it('answers a token endpoint that refuses the client (another secret) with a page, never a 5xx', async () => {
    useStandIn({ clientSecret: 'not-the-portal-secret' });
    const agent = portal.agent();
    const back = await agent.get(await authorizedCallback(agent, TAXPAYER_A!.taxid));
    expectFailurePage(back, [FAILED.unreachable, FAILED.gsisError]);
  });
});

describe('accounts that sign in only with TaxisNet, in the rest of the portal', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  let afmSeed = 10_000_000;
  const nextAfm = () => afmFrom(String((afmSeed += 1)));

  /** An account with no username and no password, linked to TaxisNet. */
  async function taxisnetOnlyUser(n: string, extra: Record<string, unknown> = {}) {
    const [row] = (await ctx
      .db('users')
      .insert({
        username: null,
        password_hash: null,
        full_name: `Ειρήνη Ταξιδιώτη ${n}`,
        email: `taxisnet.${n}@example.gr`,
        status: 'active',
        activated_at: new Date(),
        taxisnet_afm: nextAfm(),
        taxisnet_linked_at: new Date(),
        ...extra,
      })
      .returning(['id', 'email', 'taxisnet_afm'])) as {
      id: number;
      email: string;
      taxisnet_afm: string;
    }[];
    return row!;
  }

  /** The error a write was refused with (fails if it was accepted). */
  async function refusal(write: Promise<unknown>): Promise<unknown> {
    try {
      await write;
    } catch (error) {
      return error;
    }
    throw new Error('the database accepted it');
  }

  describe('the database’s rules', () => {
    it('accepts an account with no username and no password that is linked to TaxisNet', async () => {
      const user = await taxisnetOnlyUser('ok');
      const row = await ctx.db('users').where({ id: user.id }).first();
      expect(row).toMatchObject({ username: null, password_hash: null });
    });

    it('refuses an account with no way to sign in (users_sign_in_way)', async () => {
      const error = await refusal(createActiveUser(ctx.db, 'no-way', { password_hash: null }));
      expect(isCheckViolation(error, 'users_sign_in_way')).toBe(true);
      const bare = await refusal(
        taxisnetOnlyUser('no-way-2', { taxisnet_afm: null, taxisnet_linked_at: null }),
      );
      expect(isCheckViolation(bare, 'users_sign_in_way')).toBe(true);
    });

    it('refuses a password without a username (users_password_has_username)', async () => {
      const error = await refusal(createActiveUser(ctx.db, 'no-name', { username: null }));
      expect(isCheckViolation(error, 'users_password_has_username')).toBe(true);
    });

    it('refuses an AFM without the time it was linked, and the reverse (users_taxisnet_linked)', async () => {
      const afm = await refusal(taxisnetOnlyUser('unlinked', { taxisnet_linked_at: null }));
      expect(isCheckViolation(afm, 'users_taxisnet_linked')).toBe(true);
      const time = await refusal(
        createActiveUser(ctx.db, 'time-only', { taxisnet_linked_at: new Date() }),
      );
      expect(isCheckViolation(time, 'users_taxisnet_linked')).toBe(true);
    });

    it('refuses a verified identity without its channel, and the reverse (users_identity_channel)', async () => {
      const verified = await refusal(
        createActiveUser(ctx.db, 'no-channel', {
          identity_verified_at: new Date(),
          afm: nextAfm(),
        }),
      );
      expect(isCheckViolation(verified, 'users_identity_channel')).toBe(true);
      const channel = await refusal(
        createActiveUser(ctx.db, 'channel-only', { identity_channel: 'taxisnet' }),
      );
      expect(isCheckViolation(channel, 'users_identity_channel')).toBe(true);
    });

    it('refuses a second account with the same TaxisNet AFM (users_taxisnet_afm_key)', async () => {
      const first = await taxisnetOnlyUser('afm-1');
      const error = await refusal(taxisnetOnlyUser('afm-2', { taxisnet_afm: first.taxisnet_afm }));
      expect(isUniqueViolation(error, 'users_taxisnet_afm_key')).toBe(true);
    });
  });

  describe('at the counter', () => {
    let clerk: Agent;
    beforeAll(async () => {
      ({ agent: clerk } = await signedInStaff(ctx.app, ctx.db, ['clerk']));
    });

    it('finds an account without a username by part of its name', async () => {
      await taxisnetOnlyUser('counter', { full_name: 'Σταματία Ξενοφώντος' });
      const page = await clerk.get(`/staff/citizens?q=${encodeURIComponent('ξενοφωντ')}`);
      expect(page.status).toBe(200);
      const names = cheerio
        .load(page.text)('tbody tr td:first-child')
        .map((_i, el) => cheerio.load(el).text())
        .get();
      expect(names).toEqual(['Σταματία Ξενοφώντος']);
    });

    it('shows the record of an account without a username, with no "null" or "undefined"', async () => {
      const user = await taxisnetOnlyUser('record', {
        full_name: 'Θεοδώρα Λαμπράκη',
        phone_e164: '+306944555666',
      });
      const page = await clerk.get(`/staff/citizens/${user.id}`);
      expect(page.status).toBe(200);
      const main = cheerio.load(page.text)('main').text();
      expect(main).toContain('Θεοδώρα Λαμπράκη');
      expect(main).toContain(user.email);
      expect(main).not.toMatch(/\bnull\b|\bundefined\b|NaN/);
    });
  });

  it('sends no password reset link to an account without a password (and one to an account with one)', async () => {
    const taxisnetOnly = await taxisnetOnlyUser('reset');
    const withPassword = await createActiveUser(ctx.db, 'reset-control');
    for (const email of [taxisnetOnly.email, 'user.reset-control@example.gr']) {
      const asked = await postForm(newAgent(ctx.app), '/password-reset', '/password-reset', {
        email,
      });
      // The same answer either way: the page does not tell which addresses have a password.
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe('/password-reset/sent');
    }
    const sent = await drainMail(ctx.deps);
    expect(sent.map((mail) => mail.to)).toContain('user.reset-control@example.gr');
    expect(sent.filter((mail) => mail.to === taxisnetOnly.email)).toEqual([]);
    const audited = (await ctx
      .db('audit_log')
      .whereIn('user_id', [taxisnetOnly.id, withPassword.id])
      .where({ action: 'account.password_reset_requested' })
      .pluck('user_id')) as number[];
    expect(audited).toEqual([withPassword.id]);
  });

  it('deletes a stale pending account that TaxisNet verified (TAXISNET_VERIFIES_IDENTITY)', async () => {
    const stale = await taxisnetOnlyUser('pending-verified', {
      status: 'pending',
      activated_at: null,
      identity_verified_at: new Date(Date.now() - 10 * DAY_MS),
      identity_channel: 'taxisnet',
      created_at: new Date(Date.now() - 10 * DAY_MS),
    });
    await deleteStalePendingAccounts(ctx.db, ctx.deps.clock, ctx.deps.config.PENDING_ACCOUNT_DAYS);
    expect(await ctx.db('users').where({ id: stale.id }).first()).toBeUndefined();
  });
});

describe('a pending TaxisNet account left alone', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await listeningPortal();
  });
  afterAll(() => portal.close());

  it('is deleted by the clean-up like any pending account, freeing the AFM for a new sign-in', async () => {
    const { db, deps } = portal.ctx;
    const afm = TAXPAYER_A!.taxid;
    const details = {
      fullName: 'Ειρήνη Σταυρακάκη',
      email: 'mistyped@example.gr',
      phone: '6944000777',
      privacy: 'yes',
    };
    const agent = portal.agent();
    await throughTaxisnet(agent, portal.base, afm);
    const opened = await postForm(
      agent,
      '/auth/taxisnet/details',
      '/auth/taxisnet/details',
      details,
    );
    expect(opened.status).toBe(303);
    const pending = await db('users').where({ taxisnet_afm: afm }).first();
    expect(pending).toMatchObject({ status: 'pending', username: null, password_hash: null });
    await drainMail(deps);
    /** The details form a TaxisNet sign-in for the AFM leads to, on a fresh browser. */
    const detailsForm = async () => {
      const browser = portal.agent();
      const back = await throughTaxisnet(browser, portal.base, afm);
      expect(back.status).toBe(303);
      expect(redirectPath(back.headers.location as string, portal.base)).toBe(
        '/auth/taxisnet/details',
      );
      return { browser, $: cheerio.load((await browser.get('/auth/taxisnet/details')).text) };
    };
    // While it waits, a sign-in offers to correct the account's address.
    expect((await detailsForm()).$('#email').attr('value')).toBe(details.email);

    // A young one stays.
    await deleteStalePendingAccounts(db, deps.clock, deps.config.PENDING_ACCOUNT_DAYS);
    expect(await db('users').where({ id: pending.id }).first()).toBeTruthy();

    const longAgo = new Date(Date.now() - (deps.config.PENDING_ACCOUNT_DAYS + 1) * DAY_MS);
    await db('users').where({ id: pending.id }).update({ created_at: longAgo });
    await db('one_time_links').where({ user_id: pending.id }).update({ created_at: longAgo });
    await deleteStalePendingAccounts(db, deps.clock, deps.config.PENDING_ACCOUNT_DAYS);
    expect(await db('users').where({ id: pending.id }).first()).toBeUndefined();

    // The AFM, email and phone are free: the next sign-in opens an account afresh.
    const again = await detailsForm();
    expect(again.$('#email').attr('value') ?? '').toBe('');
    const reopened = await postForm(
      again.browser,
      '/auth/taxisnet/details',
      '/auth/taxisnet/details',
      details,
    );
    expect(reopened.status).toBe(303);
    const row = await db('users').where({ taxisnet_afm: afm }).first();
    expect(row).toMatchObject({ status: 'pending' });
    expect(row.id).not.toBe(pending.id);
    await drainMail(deps);
  });
});

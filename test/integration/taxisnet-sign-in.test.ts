import * as cheerio from 'cheerio';
import { Router } from 'express';
import { requireTaxisnetSignIn } from '../../src/features/taxisnet/require-taxisnet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import {
  createActiveUser,
  drainMail,
  linkIn,
  postForm,
  signIn,
  type Agent,
} from '../helpers/accounts.ts';
import { listeningPortal, redirectPath, throughTaxisnet } from '../helpers/taxisnet.ts';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

const DEMO_VERIFIED_AFM = '102938470';
const [, NEW_ONE, NEW_TWO, NEW_THREE] = TEST_TAXPAYERS.map((t) => t.taxid.trim()) as [
  string,
  string,
  string,
  string,
];

/** The details form after a first TaxisNet sign-in, as the citizen sends it. */
function sendDetails(agent: Agent, fields: Record<string, string>) {
  return postForm(agent, '/auth/taxisnet/details', '/auth/taxisnet/details', fields);
}

async function userByAfm(portal: Portal, afm: string) {
  return portal.ctx.db('users').where({ taxisnet_afm: afm }).first();
}

async function auditActions(portal: Portal, userId: number): Promise<string[]> {
  const rows = (await portal.ctx.db('audit_log').where({ user_id: userId }).orderBy('id')) as {
    action: string;
  }[];
  return rows.map((row) => row.action);
}

/** A verified citizen as the counter leaves one, with the AFM the clerk recorded. */
async function verifiedCitizen(portal: Portal, n: string, afm: string) {
  return createActiveUser(portal.ctx.db, n, {
    afm,
    identity_verified_at: new Date(),
    identity_channel: 'counter',
  });
}

describe('TaxisNet sign-in against the GSIS stand-in (TAXISNET_VERIFIES_IDENTITY off)', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await listeningPortal();
  });
  afterAll(() => portal.close());

  it('offers TaxisNet on /login, keeping the way back', async () => {
    const page = await portal.agent().get('/login?next=%2Fcertificates');
    const button = cheerio.load(page.text)('a[href^="/auth/taxisnet"]');
    expect(button.attr('href')).toBe('/auth/taxisnet?next=%2Fcertificates');
  });

  it('opens a new account for an AFM nobody has: email and phone first, confirmed by link', async () => {
    const agent = portal.agent();
    const back = await throughTaxisnet(agent, portal.base, NEW_ONE);
    expect(back.status).toBe(303);
    expect(redirectPath(back.headers.location, portal.base)).toBe('/auth/taxisnet/details');
    expect(await userByAfm(portal, NEW_ONE)).toBeUndefined();

    const form = await agent.get('/auth/taxisnet/details');
    expect(form.status).toBe(200);
    expect(form.text).toContain(NEW_ONE);
    const $ = cheerio.load(form.text);
    expect($('#fullName').attr('value')).toBe('ΕΙΡΗΝΗ ΣΤΑΥΡΑΚΑΚΗ');

    const missing = await sendDetails(agent, {
      fullName: 'Ειρήνη Σταυρακάκη',
      email: '',
      phone: '12',
    });
    expect(missing.status).toBe(400);
    const errors = cheerio.load(missing.text);
    expect(errors('#email-error').text()).toContain('email');
    expect(errors('#phone-error').text()).not.toBe('');
    expect(errors('#privacy-error').text()).not.toBe('');

    const sent = await sendDetails(agent, {
      fullName: 'Ειρήνη Σταυρακάκη',
      email: 'eirini@example.gr',
      phone: '6944000111',
      privacy: 'yes',
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/register/check-email');
    const user = await userByAfm(portal, NEW_ONE);
    expect(user).toMatchObject({
      status: 'pending',
      username: null,
      password_hash: null,
      email: 'eirini@example.gr',
      phone_e164: '+306944000111',
      identity_verified_at: null,
      ivr_pin_hash: null,
    });
    expect(user.taxisnet_linked_at).not.toBeNull();

    const first = (await drainMail(portal.ctx.deps)).find((m) => m.to === 'eirini@example.gr')!;
    expect(first.text).not.toMatch(/PIN[^:\n]*: \d{6}/);

    // Until the address is confirmed, TaxisNet opens nothing, but the citizen may correct a typo.
    const early = portal.agent();
    const again = await throughTaxisnet(early, portal.base, NEW_ONE);
    expect(again.headers.location).toBe('/auth/taxisnet/details');
    const correction = await early.get('/auth/taxisnet/details');
    expect(cheerio.load(correction.text)('#email').attr('value')).toBe('eirini@example.gr');
    expect(correction.text).toContain('eirini@example.gr');
    const corrected = await sendDetails(early, {
      fullName: 'Ειρήνη Σταυρακάκη',
      email: 'eirini.s@example.gr',
      phone: '6944000111',
      privacy: 'yes',
    });
    expect(corrected.status).toBe(303);
    const mail = (await drainMail(portal.ctx.deps)).find((m) => m.to === 'eirini.s@example.gr')!;
    const stale = linkIn(first, '/activate');
    expect((await agent.get(stale)).status).toBe(410);
    const link = linkIn(mail, '/activate');
    const activated = await postForm(agent, link, link, {});
    // Nothing to type a password into: the sign-in page says to use TaxisNet.
    expect((await agent.get(activated.headers.location as string)).text).toContain('TaxisNet');
    expect((await userByAfm(portal, NEW_ONE)).status).toBe('active');

    const signedIn = await throughTaxisnet(agent, portal.base, NEW_ONE);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/');
    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('Ειρήνη Σταυρακάκη');
    expect(await auditActions(portal, user.id)).toEqual(
      expect.arrayContaining([
        'taxisnet.account_created',
        'account.activated',
        'taxisnet.signed_in',
      ]),
    );
  });

  it('refuses an email of a password account: sign in with the password to link', async () => {
    await createActiveUser(portal.ctx.db, 'has-password', { email: 'owner@example.gr' });
    const agent = portal.agent();
    await throughTaxisnet(agent, portal.base, NEW_TWO);
    const refused = await sendDetails(agent, {
      fullName: 'Μιχάλης Χατζηδάκης',
      email: 'Owner@Example.gr',
      phone: '6944000222',
      privacy: 'yes',
    });
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#email-error').text()).toContain(
      'συνδεθείτε με τον κωδικό σας',
    );
    expect(await userByAfm(portal, NEW_TWO)).toBeUndefined();
  });

  it('opens the verified account whose recorded AFM TaxisNet gives, and links it', async () => {
    const citizen = await verifiedCitizen(portal, 'verified-match', NEW_THREE);
    const agent = portal.agent();
    const back = await throughTaxisnet(agent, portal.base, NEW_THREE, { next: '/account' });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/account');
    const row = await portal.ctx.db('users').where({ id: citizen.id }).first();
    expect(row.taxisnet_afm).toBe(NEW_THREE);
    expect(row.identity_channel).toBe('counter');
    expect(await auditActions(portal, citizen.id)).toEqual(
      expect.arrayContaining(['taxisnet.linked', 'taxisnet.signed_in']),
    );
    // Still only one account for the AFM, and the same one the next time.
    await throughTaxisnet(portal.agent(), portal.base, NEW_THREE);
    const [{ count }] = (await portal.ctx
      .db('users')
      .where({ taxisnet_afm: NEW_THREE })
      .count({ count: '*' })) as [{ count: string | number }];
    expect(Number(count)).toBe(1);
  });

  it('links TaxisNet from the account page of a password account, and refuses an AFM held elsewhere', async () => {
    const owner = await createActiveUser(portal.ctx.db, 'linker');
    const agent = portal.agent();
    await signIn(agent, owner.username, owner.password);
    const page = await agent.get('/account/taxisnet');
    expect(page.text).toContain('action="/account/taxisnet"');
    const start = await postForm(agent, '/account/taxisnet', '/account/taxisnet', {});
    // DEMO_VERIFIED_AFM is not in this database's accounts: free to link.
    const linked = await throughTaxisnet(agent, portal.base, DEMO_VERIFIED_AFM, { from: start });
    expect(linked.status).toBe(303);
    expect(linked.headers.location).toBe('/account/taxisnet');
    expect((await agent.get('/account/taxisnet')).text).toContain('govuk-tag--green');

    const other = await createActiveUser(portal.ctx.db, 'linker-two');
    const second = portal.agent();
    await signIn(second, other.username, other.password);
    const again = await postForm(second, '/account/taxisnet', '/account/taxisnet', {});
    const refused = await throughTaxisnet(second, portal.base, DEMO_VERIFIED_AFM, { from: again });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('/contact');
    const row = await portal.ctx.db('users').where({ id: other.id }).first();
    expect(row.taxisnet_afm).toBeNull();
    expect(await auditActions(portal, other.id)).toContain('taxisnet.link_refused');
  });

  it('refuses to link when the counter checked another AFM', async () => {
    const citizen = await verifiedCitizen(portal, 'mismatch', '090000045');
    const agent = portal.agent();
    await signIn(agent, citizen.username, citizen.password);
    const start = await postForm(agent, '/account/taxisnet', '/account/taxisnet', {});
    const refused = await throughTaxisnet(agent, portal.base, NEW_TWO, { from: start });
    expect(refused.status).toBe(409);
    expect(
      (await portal.ctx.db('users').where({ id: citizen.id }).first()).taxisnet_afm,
    ).toBeNull();
  });

  it('answers denied consent, a forged state and a callback without a code with a page, never a 5xx', async () => {
    const denied = await throughTaxisnet(portal.agent(), portal.base, NEW_TWO, {
      decision: 'deny',
    });
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('href="/login"');

    const agent = portal.agent();
    const started = await agent.get('/auth/taxisnet');
    const state = new URL(started.headers.location as string).searchParams.get('state');
    const forged = await agent.get(`/auth/taxisnet/callback?code=abc&state=${state}x`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('href="/auth/taxisnet"');
    // A state from another browser's session is no better.
    const stranger = await portal.agent().get(`/auth/taxisnet/callback?code=abc&state=${state}`);
    expect(stranger.status).toBe(400);
    expect((await portal.agent().get('/auth/taxisnet/callback')).status).toBe(400);
    // The details form with no TaxisNet sign-in under way: the sign-in page.
    const details = await portal.agent().get('/auth/taxisnet/details');
    expect([details.status, details.headers.location]).toEqual([303, '/login']);
  });

  it('ends the GSIS session at sign-out through its logout URL, then comes home', async () => {
    const agent = portal.agent();
    await throughTaxisnet(agent, portal.base, NEW_THREE);
    const out = await postForm(agent, '/account', '/logout', {});
    expect(out.status).toBe(303);
    const logout = new URL(out.headers.location as string);
    expect(logout.pathname).toBe('/dev/gsis/oauth2server/logout/dev-portal/');
    expect(logout.searchParams.get('url')).toBe(`${portal.base}/`);
    const home = await agent.get(logout.pathname + logout.search);
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe(`${portal.base}/`);
    expect(String(home.headers['set-cookie'])).toMatch(/gsis_stand_in=;/);
    // Signed out of the portal too.
    expect((await agent.get('/account')).status).toBe(303);
  });

  it('signs a password session out to the home page, as before', async () => {
    const user = await createActiveUser(portal.ctx.db, 'plain-out');
    const agent = portal.agent();
    await signIn(agent, user.username, user.password);
    const out = await postForm(agent, '/account', '/logout', {});
    expect(out.headers.location).toBe('/');
  });

  it('lets a TaxisNet account set a username and password, and emails its phone PIN', async () => {
    const agent = portal.agent();
    await throughTaxisnet(agent, portal.base, NEW_ONE);
    const page = await agent.get('/account');
    expect(page.text).toContain('action="/account/password/set"');
    expect(page.text).not.toContain('action="/account/pin"');
    const empty = await postForm(agent, '/account', '/account/password/set', {});
    const $empty = cheerio.load(empty.text);
    expect($empty('#username-error').text()).not.toBe('');
    expect($empty('#password-error').text()).not.toBe('');
    const weak = await postForm(agent, '/account', '/account/password/set', {
      username: 'eirini.s',
      password: 'short',
      passwordConfirm: 'short',
    });
    expect(weak.status).toBe(400);
    expect(cheerio.load(weak.text)('#username').attr('value')).toBe('eirini.s');
    const set = await postForm(agent, '/account', '/account/password/set', {
      username: 'eirini.s',
      password: 'πέτρινο σπίτι στο λιμάνι',
      passwordConfirm: 'πέτρινο σπίτι στο λιμάνι',
    });
    expect(set.status).toBe(303);
    const mail = (await drainMail(portal.ctx.deps)).find((m) => m.to === 'eirini.s@example.gr')!;
    expect(mail.text).toMatch(/PIN[^:\n]*: \d{6}/);
    const row = await userByAfm(portal, NEW_ONE);
    expect(row.username).toBe('eirini.s');
    expect(row.email).toBe('eirini.s@example.gr');
    expect(row.ivr_pin_hash).not.toBeNull();
    // This session goes on; the password works too.
    expect((await agent.get('/account')).status).toBe(200);
    const other = portal.agent();
    expect((await signIn(other, 'eirini.s', 'πέτρινο σπίτι στο λιμάνι')).status).toBe(303);
  });
});

describe('TaxisNet with TAXISNET_VERIFIES_IDENTITY=true', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await listeningPortal({ TAXISNET_VERIFIES_IDENTITY: 'true' });
  });
  afterAll(() => portal.close());

  it('marks a signing-in account identity-verified (channel TaxisNet), audited', async () => {
    const owner = await createActiveUser(portal.ctx.db, 'to-verify');
    const agent = portal.agent();
    await signIn(agent, owner.username, owner.password);
    const start = await postForm(agent, '/account/taxisnet', '/account/taxisnet', {});
    await throughTaxisnet(agent, portal.base, NEW_TWO, { from: start });
    const row = await portal.ctx.db('users').where({ id: owner.id }).first();
    expect(row).toMatchObject({ identity_channel: 'taxisnet', afm: NEW_TWO });
    expect(row.identity_verified_at).not.toBeNull();
    const entry = await portal.ctx
      .db('audit_log')
      .where({ user_id: owner.id, action: 'identity.verified' })
      .first();
    expect(entry.details).toMatchObject({ channel: 'taxisnet', afm: NEW_TWO });
    expect((await agent.get('/account')).text).toContain('TaxisNet');
  });

  it('opens a new account verified', async () => {
    const agent = portal.agent();
    await throughTaxisnet(agent, portal.base, NEW_ONE);
    await sendDetails(agent, {
      fullName: 'Ειρήνη Σταυρακάκη',
      email: 'verified-new@example.gr',
      phone: '6944000333',
      privacy: 'yes',
    });
    const row = await userByAfm(portal, NEW_ONE);
    expect(row).toMatchObject({ identity_channel: 'taxisnet', afm: NEW_ONE, status: 'pending' });
  });
});

describe('a service that needs a TaxisNet sign-in (requireTaxisnetSignIn)', () => {
  let portal: Portal;
  beforeAll(async () => {
    const router = Router();
    router.get('/needs-taxisnet', requireTaxisnetSignIn, (_req, res) => {
      res.send('opened');
    });
    portal = await listeningPortal({}, [{ router }]);
  });
  afterAll(() => portal.close());

  it('sends an anonymous visitor through TaxisNet and back', async () => {
    const agent = portal.agent();
    const first = await agent.get('/needs-taxisnet');
    expect(first.headers.location).toBe('/auth/taxisnet?next=%2Fneeds-taxisnet');
    const back = await throughTaxisnet(agent, portal.base, DEMO_VERIFIED_AFM, {
      next: '/needs-taxisnet',
    });
    // The AFM has no account in this database: email and phone first.
    expect(back.headers.location).toBe('/auth/taxisnet/details');
    const user = await verifiedCitizen(portal, 'needs', NEW_ONE);
    const again = portal.agent();
    const opened = await throughTaxisnet(again, portal.base, NEW_ONE, { next: '/needs-taxisnet' });
    expect(opened.headers.location).toBe('/needs-taxisnet');
    expect((await again.get('/needs-taxisnet')).text).toBe('opened');
    expect(user.id).toBeGreaterThan(0);
  });

  it('asks a password session to confirm with TaxisNet, which links the account and opens it', async () => {
    const owner = await createActiveUser(portal.ctx.db, 'confirmer');
    const agent = portal.agent();
    await signIn(agent, owner.username, owner.password);
    const asked = await agent.get('/needs-taxisnet');
    expect(asked.status).toBe(403);
    const confirm = await postForm(agent, '/needs-taxisnet', '/account/taxisnet', {});
    const back = await throughTaxisnet(agent, portal.base, NEW_TWO, { from: confirm });
    expect(back.headers.location).toBe('/needs-taxisnet');
    expect((await agent.get('/needs-taxisnet')).text).toBe('opened');
    const row = await portal.ctx.db('users').where({ id: owner.id }).first();
    expect(row.taxisnet_afm).toBe(NEW_TWO);
  });
});

import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/db/demo-accounts.ts';
import {
  createGsisStandIn,
  type GsisStandInOptions,
} from '../../src/features/taxisnet/dev/gsis-stand-in.routes.ts';
import { findTaxpayer, TEST_TAXPAYERS } from '../../src/features/taxisnet/dev/taxpayers.ts';
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  STAND_IN_PATH,
} from '../../src/features/taxisnet/dev/stand-in-client.ts';
import { isValidAfm } from '../../src/lib/afm.ts';

// The HTML pages (the choice of taxpayer, the 400 pages, signed out) need the portal's layout and
// strings: the tests of the wired module render them. Here: the protocol, on a bare Express app.
const PORTAL = 'http://localhost:3000';
const CALLBACK = `${PORTAL}/auth/taxisnet/callback`;
const SERVER = `${STAND_IN_PATH}/oauth2server`;
const DEMO_AFM = '102938470';

function standIn(options: Partial<GsisStandInOptions> = {}) {
  const app = express();
  app.use(
    createGsisStandIn({
      portalBaseUrl: PORTAL,
      clientId: DEV_CLIENT_ID,
      clientSecret: DEV_CLIENT_SECRET,
      ...options,
    }),
  );
  return app;
}

type App = ReturnType<typeof standIn>;

const decide = (app: App, query: Record<string, string>) =>
  request(app)
    .get(`${SERVER}/oauth/authorize/decide`)
    .query({
      response_type: 'code',
      client_id: DEV_CLIENT_ID,
      redirect_uri: CALLBACK,
      scope: 'read',
      state: 'xyz',
      ...query,
    });

/** Allows as the taxpayer and returns the code handed back to the portal. */
async function codeFor(app: App, afm = DEMO_AFM, redirectUri = CALLBACK): Promise<string> {
  const answer = await decide(app, {
    decision: 'allow',
    taxpayer: afm,
    redirect_uri: redirectUri,
  }).expect(302);
  const code = new URL(answer.headers.location!).searchParams.get('code');
  expect(code).toMatch(/^[\w-]{20,}$/);
  return code!;
}

const exchange = (app: App, fields: Record<string, string>) =>
  request(app)
    .post(`${SERVER}/oauth/token`)
    .type('form')
    .send({
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: DEV_CLIENT_ID,
      client_secret: DEV_CLIENT_SECRET,
      ...fields,
    });

const userinfo = (app: App, token: string) =>
  request(app).get(`${SERVER}/userinfo?format=xml`).set('Authorization', `Bearer ${token}`);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseAttributeValue: false,
});

describe('the test taxpayers', () => {
  it('hold valid, distinct ΑΦΜs; the verified demo citizen is one, the others have no account', () => {
    expect(TEST_TAXPAYERS).toHaveLength(4);
    for (const taxpayer of TEST_TAXPAYERS) expect(isValidAfm(taxpayer.taxid)).toBe(true);
    expect(new Set(TEST_TAXPAYERS.map((t) => t.taxid)).size).toBe(4);
    expect(findTaxpayer(DEMO_AFM)).toMatchObject({ lastname: 'ΜΑΝΩΛΑΚΗΣ', firstname: 'ΓΕΩΡΓΙΟΣ' });
    expect(findTaxpayer(' 102938470 ')?.taxid).toBe(DEMO_AFM);
    expect(findTaxpayer('999999999')).toBeUndefined();
    const demoAfms = DEMO_ACCOUNTS.flatMap((account) =>
      account.identityCheck ? [account.identityCheck.afm] : [],
    );
    expect(demoAfms).toContain(DEMO_AFM);
    const others = TEST_TAXPAYERS.filter((t) => t.taxid !== DEMO_AFM).map((t) => t.taxid);
    expect(others.filter((afm) => demoAfms.includes(afm))).toEqual([]);
  });
});

describe('the GSIS stand-in: authorization code, token, userinfo', () => {
  it('goes from the choice to the taxpayer’s details, the ΑΦΜ padded as GSIS pads it', async () => {
    const app = standIn();
    const state = 'a b&c=d/é+%';
    const answer = await decide(app, { decision: 'allow', taxpayer: DEMO_AFM, state }).expect(302);
    const back = new URL(answer.headers.location!);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('state')).toBe(state);
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toMatch(/^gsis_stand_in=102938470;/);
    expect(cookie).toMatch(/Path=\/dev\/gsis;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const token = await exchange(app, { code: back.searchParams.get('code')! }).expect(200);
    expect(token.headers['cache-control']).toBe('no-store');
    expect(token.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]{30,}$/) as unknown,
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'read',
    });

    const details = await userinfo(app, token.body.access_token as string).expect(200);
    expect(details.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(details.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><root><userinfo /);
    const parsed = parser.parse(details.text) as { root: { userinfo: Record<string, string> } };
    expect(parsed.root.userinfo).toEqual({
      userid: 'User102938470   ',
      taxid: '102938470   ',
      lastname: 'ΜΑΝΩΛΑΚΗΣ',
      firstname: 'ΓΕΩΡΓΙΟΣ',
      fathername: 'ΙΩΑΝΝΗΣ',
      mothername: 'ΕΛΕΝΗ',
      birthyear: '1979',
    });
    // The token may also come in the query, as some clients send it.
    const byQuery = await request(app)
      .get(`${SERVER}/userinfo`)
      .query({ format: 'xml', access_token: token.body.access_token as string })
      .expect(200);
    expect(byQuery.text).toContain('taxid="102938470   "');
  });

  it('accepts the client’s credentials by HTTP Basic, and answers what a test asks userinfo to', async () => {
    const app = standIn({ userinfoXml: (t) => `<root><userinfo taxid="${t.taxid}"/></root>` });
    const code = await codeFor(app, '147852368');
    const token = await request(app)
      .post(`${SERVER}/oauth/token`)
      .auth(DEV_CLIENT_ID, DEV_CLIENT_SECRET)
      .type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK })
      .expect(200);
    const details = await userinfo(app, token.body.access_token as string).expect(200);
    expect(details.text).toBe('<root><userinfo taxid="147852368"/></root>');
  });

  it('binds the code to the taxpayer chosen', async () => {
    const app = standIn();
    const code = await codeFor(app, '135724681');
    const token = await exchange(app, { code }).expect(200);
    const details = await userinfo(app, token.body.access_token as string).expect(200);
    const parsed = parser.parse(details.text) as { root: { userinfo: Record<string, string> } };
    expect(parsed.root.userinfo).toMatchObject({ taxid: '135724681   ', lastname: 'ΣΤΑΥΡΑΚΑΚΗ' });
  });

  it('takes a code once; presented again, it is refused and its token revoked', async () => {
    const app = standIn();
    const code = await codeFor(app);
    const first = await exchange(app, { code }).expect(200);
    const again = await exchange(app, { code }).expect(400);
    expect(again.body).toEqual({ error: 'invalid_grant' });
    await userinfo(app, first.body.access_token as string).expect(401);
  });

  it('refuses a wrong secret, an unknown client and no credentials', async () => {
    const app = standIn();
    const code = await codeFor(app);
    const wrong: Record<string, string>[] = [
      { client_secret: 'guess' },
      { client_id: 'someone-else' },
      { client_id: '', client_secret: '' },
    ];
    for (const fields of wrong) {
      const answer = await exchange(app, { code, ...fields }).expect(401);
      expect(answer.body).toEqual({ error: 'invalid_client' });
    }
    const basic = await request(app)
      .post(`${SERVER}/oauth/token`)
      .auth(DEV_CLIENT_ID, 'guess')
      .type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK })
      .expect(401);
    expect(basic.headers['www-authenticate']).toMatch(/^Basic /);
    // The failed tries did not spend the code.
    await exchange(app, { code }).expect(200);
  });

  it('refuses a code for another client, with another redirect_uri, or past its minute', async () => {
    const otherClient = standIn({ clientId: 'other', clientSecret: 'other-secret' });
    const theirs = await codeFor(standIn());
    const refused = await exchange(otherClient, {
      code: theirs,
      client_id: 'other',
      client_secret: 'other-secret',
    }).expect(400);
    expect(refused.body).toEqual({ error: 'invalid_grant' });

    const app = standIn();
    const code = await codeFor(app, DEMO_AFM, `${PORTAL}/auth/taxisnet/callback?from=hub`);
    const mismatch = await exchange(app, { code }).expect(400);
    expect(mismatch.body).toEqual({ error: 'invalid_grant' });
    // A mismatch spends the code: it is good for one try.
    await exchange(app, { code, redirect_uri: `${CALLBACK}?from=hub` }).expect(400);

    let clock = 1_000_000;
    const timed = standIn({ now: () => clock });
    const late = await codeFor(timed);
    clock += 61_000;
    const expired = await exchange(timed, { code: late }).expect(400);
    expect(expired.body).toEqual({ error: 'invalid_grant' });
    const inTime = await codeFor(timed);
    clock += 59_000;
    await exchange(timed, { code: inTime }).expect(200);
  });

  it('names what is wrong with a token request', async () => {
    const app = standIn();
    const code = await codeFor(app);
    const password = await exchange(app, { code, grant_type: 'password' }).expect(400);
    expect(password.body).toEqual({ error: 'unsupported_grant_type' });
    const noCode = await exchange(app, { code: '' }).expect(400);
    expect(noCode.body).toEqual({ error: 'invalid_request' });
    const unknown = await exchange(app, { code: 'made-up' }).expect(400);
    expect(unknown.body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses userinfo without a live token', async () => {
    let clock = 5_000_000;
    const app = standIn({ now: () => clock });
    const bad = await userinfo(app, 'not-a-token').expect(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(bad.text).not.toContain('userinfo');
    const none = await request(app).get(`${SERVER}/userinfo?format=xml`).expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');

    const token = await exchange(app, { code: await codeFor(app) }).expect(200);
    clock += 3599_000;
    await userinfo(app, token.body.access_token as string).expect(200);
    clock += 1_000;
    await userinfo(app, token.body.access_token as string).expect(401);
  });

  it('sends a denial back with the state, and only to the portal', async () => {
    const app = standIn();
    const denied = await decide(app, { decision: 'deny' }).expect(302);
    const back = new URL(denied.headers.location!);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe('xyz');
    expect(back.searchParams.has('code')).toBe(false);
    expect(denied.headers['set-cookie']).toBeUndefined();

    // Whatever the request gets wrong, the answer is a page: never a redirect.
    for (const query of [
      { redirect_uri: 'https://evil.example/callback' },
      { redirect_uri: 'http://localhost:3000.evil.example/callback' },
      { redirect_uri: 'http://localhost:3000@evil.example/callback' },
      { redirect_uri: 'http://localhost:30001/callback' },
      { redirect_uri: '/auth/taxisnet/callback' },
      { redirect_uri: `${CALLBACK}#fragment` },
      { redirect_uri: '' },
      { client_id: 'someone-else' },
      { response_type: 'token' },
    ]) {
      for (const path of ['/oauth/authorize', '/oauth/authorize/decide']) {
        const answer = await request(app)
          .get(`${SERVER}${path}`)
          .query({
            response_type: 'code',
            client_id: DEV_CLIENT_ID,
            redirect_uri: CALLBACK,
            state: 'xyz',
            decision: 'allow',
            taxpayer: DEMO_AFM,
            ...query,
          });
        expect(answer.status, `${path} ${JSON.stringify(query)}`).not.toBe(302);
        expect(answer.headers.location).toBeUndefined();
      }
    }
  });

  it('at logout forgets the taxpayer and goes back only to the portal', async () => {
    const app = standIn();
    for (const path of [`/logout/${DEV_CLIENT_ID}/`, `/logout/${DEV_CLIENT_ID}`]) {
      const answer = await request(app)
        .get(`${SERVER}${path}`)
        .query({ url: `${PORTAL}/?signedOut=1` })
        .set('Cookie', `gsis_stand_in=${DEMO_AFM}`)
        .expect(302);
      expect(answer.headers.location).toBe(`${PORTAL}/?signedOut=1`);
      expect(String(answer.headers['set-cookie'])).toMatch(
        /^gsis_stand_in=;.*Path=\/dev\/gsis;.*Expires=Thu, 01 Jan 1970/,
      );
    }
    for (const url of [
      'https://evil.example/',
      'http://localhost:3000.evil.example/',
      '//evil.example/',
      '/',
    ]) {
      const answer = await request(app)
        .get(`${SERVER}/logout/${DEV_CLIENT_ID}/`)
        .query({ url })
        .set('Cookie', `gsis_stand_in=${DEMO_AFM}`);
      expect(answer.headers.location, url).toBeUndefined();
      expect(String(answer.headers['set-cookie'])).toMatch(/^gsis_stand_in=;/);
    }
    const stranger = await request(app)
      .get(`${SERVER}/logout/someone-else/`)
      .query({ url: `${PORTAL}/` })
      .set('Cookie', `gsis_stand_in=${DEMO_AFM}`);
    expect(stranger.headers.location).toBeUndefined();
    expect(stranger.headers['set-cookie']).toBeUndefined();
  });
});

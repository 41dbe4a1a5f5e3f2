import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import { formFields, presentErrors, type FieldErrorLike } from '../../../lib/form.ts';
import { STAND_IN_PATH } from './stand-in-client.ts';
import { findTaxpayer, TEST_TAXPAYERS, type TestTaxpayer } from './taxpayers.ts';

export interface GsisStandInOptions {
  /** The portal's own origin (config.baseUrl), e.g. http://localhost:3000: the only place logout sends the browser back to. */
  portalBaseUrl: string;
  clientId: string; // DEV_CLIENT_ID unless a test says otherwise
  clientSecret: string; // DEV_CLIENT_SECRET
  /** Tests: what userinfo answers for a taxpayer (default: the realistic form below). */
  userinfoXml?: (taxpayer: TestTaxpayer) => string;
  now?: () => number; // ms, default Date.now
}

const SERVER = `${STAND_IN_PATH}/oauth2server`;
/** The stand-in's own sign-in: whom "TaxisNet" remembers, as the real one keeps a session. */
const COOKIE = 'gsis_stand_in';
const CODE_LIFE_MS = 60_000;
const TOKEN_LIFE_SECONDS = 3600;
const MOST_KEPT = 10_000;
const AUTHORIZE_FIELDS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope'] as const;
// OAuth2 wants error_description in ASCII: the protocol's text, not the citizen's.
const DENIED = 'The user denied access';

interface Grant {
  clientId: string;
  redirectUri: string;
  taxid: string;
  /** Presented once already: a code is good for one try. */
  spent?: boolean;
  /** The access token it was exchanged for, revoked if the code comes again (RFC 6749 4.1.2). */
  token?: string;
}

/** Entries that expire, oldest first (a Map keeps insertion order), never more than MOST_KEPT. */
function expiringMap<T>(now: () => number) {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt > now()) return entry.value;
    entries.delete(key);
    return undefined;
  };
  return {
    get: live,
    delete: (key: string) => entries.delete(key),
    add(key: string, value: T, lifeMs: number) {
      for (const [old, entry] of entries) {
        if (entry.expiresAt > now() && entries.size < MOST_KEPT) break;
        entries.delete(old);
      }
      entries.set(key, { value, expiresAt: now() + lifeMs });
    },
  };
}

/** `value` is an absolute http(s) address at the portal (`base`, no trailing slash) or under it. */
function isPortalUrl(value: string, base: string): boolean {
  if (!value.startsWith(base) || !/^([/?]|$)/.test(value.slice(base.length))) return false;
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === new URL(base).origin && !url.hash;
  } catch {
    return false;
  }
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(digest(given), digest(expected));

/** The client's id and secret, from HTTP Basic (RFC 6749 2.3.1: each form-encoded) or the body. */
function clientCredentials(req: Request, body: Record<'client_id' | 'client_secret', string>) {
  const basic = /^Basic ([A-Za-z0-9+/=]{1,800})$/.exec(req.get('Authorization') ?? '');
  if (!basic) return { id: body.client_id, secret: body.client_secret, basic: false };
  const [id = '', ...secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      return '';
    }
  };
  return { id: decode(id), secret: decode(secret.join(':')), basic: true };
}

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });

/** GSIS's answer: one element in a root, the ΑΦΜ and user name padded with spaces as GSIS pads them. */
function realisticUserinfo(taxpayer: TestTaxpayer): string {
  const attributes = {
    userid: taxpayer.userid.padEnd(16),
    taxid: taxpayer.taxid.padEnd(12),
    lastname: taxpayer.lastname,
    firstname: taxpayer.firstname,
    fathername: taxpayer.fathername,
    mothername: taxpayer.mothername,
    birthyear: taxpayer.birthyear,
  };
  const userinfo = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`@_${k}`, v]));
  return `<?xml version="1.0" encoding="UTF-8"?>${xmlBuilder.build({ root: { userinfo } }) as string}`;
}

/**
 * A stand-in for GSIS's TaxisNet OAuth2 server (development and tests; production never mounts
 * it), at STAND_IN_PATH/oauth2server under the portal's own address. It speaks the real server's
 * protocol (plain OAuth2 authorization code, userinfo as XML, logout back to the portal) but asks
 * for no credentials: the person picks one of the test taxpayers and allows or denies.
 */
export function createGsisStandIn(options: GsisStandInOptions): Router {
  const router = Router();
  const now = options.now ?? Date.now;
  const portal = options.portalBaseUrl.replace(/\/+$/, '');
  const userinfoXml = options.userinfoXml ?? realisticUserinfo;
  const codes = expiringMap<Grant>(now);
  const tokens = expiringMap<string>(now);

  /** The authorization request's parameters, or what is wrong with them (a page, never a redirect). */
  function authorizeRequest(req: Request) {
    const request = formFields(req.query, AUTHORIZE_FIELDS);
    let problem: string | undefined;
    if (request.client_id !== options.clientId) problem = 'clientId';
    else if (!request.redirect_uri) problem = 'redirectUriMissing';
    else if (request.redirect_uri.length > 2000 || !isPortalUrl(request.redirect_uri, portal))
      problem = 'redirectUri';
    else if (request.response_type !== 'code') problem = 'responseType';
    return { request, problem };
  }

  function showProblem(req: Request, res: Response, problem: string, status = 400) {
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).render('taxisnet/dev/views/problem', {
      pageTitle: req.t('taxisnet.dev.problem.title'),
      message: req.t(`taxisnet.dev.problem.${problem}`),
      portalUrl: `${portal}/`,
    });
  }

  function showAuthorize(
    req: Request,
    res: Response,
    request: Record<(typeof AUTHORIZE_FIELDS)[number], string>,
    errors: FieldErrorLike[] = [],
  ) {
    const signedIn = findTaxpayer(readCookie(req, COOKIE));
    res.setHeader('Cache-Control', 'no-store');
    res.status(errors.length ? 400 : 200).render('taxisnet/dev/views/authorize', {
      pageTitle: req.t('taxisnet.dev.authorize.title'),
      action: `${SERVER}/oauth/authorize/decide`,
      request,
      taxpayers: TEST_TAXPAYERS,
      signedIn,
      chosen: signedIn?.taxid ?? '',
      ...presentErrors(req, errors),
    });
  }

  router.get(`${SERVER}/oauth/authorize`, (req, res) => {
    const { request, problem } = authorizeRequest(req);
    if (problem) showProblem(req, res, problem);
    else showAuthorize(req, res, request);
  });

  router.get(`${SERVER}/oauth/authorize/decide`, (req, res) => {
    const { request, problem } = authorizeRequest(req);
    if (problem) return showProblem(req, res, problem);
    const { decision, taxpayer: afm } = formFields(req.query, ['decision', 'taxpayer']);
    const back = new URL(request.redirect_uri);
    if (decision === 'deny') {
      back.searchParams.append('error', 'access_denied');
      back.searchParams.append('error_description', DENIED);
    } else if (decision === 'allow') {
      const taxpayer = findTaxpayer(afm);
      if (!taxpayer)
        return showAuthorize(req, res, request, [
          { field: 'taxpayer', key: 'taxisnet.dev.authorize.errors.taxpayer' },
        ]);
      const code = randomBytes(24).toString('base64url');
      const grant = { clientId: request.client_id, redirectUri: request.redirect_uri };
      codes.add(code, { ...grant, taxid: taxpayer.taxid }, CODE_LIFE_MS);
      res.cookie(COOKIE, taxpayer.taxid, { path: STAND_IN_PATH, httpOnly: true, sameSite: 'lax' });
      back.searchParams.append('code', code);
    } else return showProblem(req, res, 'decision');
    if (request.state) back.searchParams.append('state', request.state);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, back.href);
  });

  router.post(
    `${SERVER}/oauth/token`,
    express.urlencoded({ extended: false, limit: '10kb' }),
    (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      const fail = (status: number, error: string) => {
        res.status(status).json({ error });
      };
      const body = formFields(req.body, [
        'client_id',
        'client_secret',
        'grant_type',
        'code',
        'redirect_uri',
      ]);
      const client = clientCredentials(req, body);
      if (client.id !== options.clientId || !sameSecret(client.secret, options.clientSecret)) {
        if (client.basic) res.setHeader('WWW-Authenticate', 'Basic realm="oauth2server"');
        return fail(401, 'invalid_client');
      }
      if (!body.grant_type || !body.code) return fail(400, 'invalid_request');
      if (body.grant_type !== 'authorization_code') return fail(400, 'unsupported_grant_type');
      const grant = codes.get(body.code);
      if (!grant || grant.clientId !== client.id) return fail(400, 'invalid_grant');
      if (grant.spent) {
        // Presented again: someone else may hold it, so what it gave is taken back too.
        if (grant.token) tokens.delete(grant.token);
        codes.delete(body.code);
        return fail(400, 'invalid_grant');
      }
      grant.spent = true;
      if (body.redirect_uri !== grant.redirectUri) return fail(400, 'invalid_grant');
      grant.token = randomBytes(32).toString('base64url');
      tokens.add(grant.token, grant.taxid, TOKEN_LIFE_SECONDS * 1000);
      res.status(200).json({
        access_token: grant.token,
        token_type: 'bearer',
        expires_in: TOKEN_LIFE_SECONDS,
        scope: 'read',
      });
    },
  );

  router.get(`${SERVER}/userinfo`, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const bearer = /^Bearer ([\w.~+/=-]{1,500})$/i.exec(req.get('Authorization') ?? '')?.[1];
    const token = bearer ?? formFields(req.query, ['access_token']).access_token;
    const taxpayer = token ? findTaxpayer(tokens.get(token)) : undefined;
    if (!taxpayer) {
      res.setHeader('WWW-Authenticate', token ? 'Bearer error="invalid_token"' : 'Bearer');
      res.status(401).type('text').send('Unauthorized');
      return;
    }
    res.status(200).type('application/xml; charset=utf-8').send(userinfoXml(taxpayer));
  });

  router.get(`${SERVER}/logout/:clientId`, (req, res) => {
    if (req.params.clientId !== options.clientId) return showProblem(req, res, 'clientId');
    res.clearCookie(COOKIE, { path: STAND_IN_PATH, httpOnly: true, sameSite: 'lax' });
    res.setHeader('Cache-Control', 'no-store');
    const { url } = formFields(req.query, ['url']);
    if (url.length <= 2000 && isPortalUrl(url, portal)) return res.redirect(302, new URL(url).href);
    res.render('taxisnet/dev/views/signed-out', {
      pageTitle: req.t('taxisnet.dev.signedOut.title'),
      portalUrl: `${portal}/`,
    });
  });

  return router;
}

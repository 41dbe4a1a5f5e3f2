import { Router, type Request, type RequestHandler, type Response } from 'express';
import { formFields } from '../../lib/form.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { phoneSchema, validate } from './accounts.schemas.ts';
import { backToAccount, renderAccountPage, type AccountPageExtra } from './account-page.ts';
import { readPostalAddress } from './postal-address.ts';

declare module 'express-session' {
  interface SessionData {
    /** A PIN just set, for the one page that shows it. */
    newPin?: string;
  }
}

type Profile = Services['profile'];

/** The account page, with what a form answered (errors, values, a new PIN). */
type RenderAccount = (
  req: Request,
  res: Response,
  extra?: AccountPageExtra,
  status?: number,
) => void;

/**
 * /account: the citizen's details, what they can use, and the forms to change PIN, phone, postal
 * address and password (the email address: email-change.routes.ts).
 */
export function createAccountRouter(
  { profile }: Pick<Services, 'profile'>,
  hubEntries: readonly HubEntry[],
): Router {
  const router = Router();
  const render: RenderAccount = (req, res, extra, status) =>
    renderAccountPage(req, res, hubEntries, extra, status);

  router.get('/account', requireCitizen, (req, res) => render(req, res));
  router.post('/account/pin', requireCitizen, newPin(profile, render));
  router.get('/account/pin', requireCitizen, showNewPin(render));
  router.post('/account/phone', requireCitizen, changePhone(profile, render));
  router.post('/account/address', requireCitizen, changeAddress(profile, render));
  router.post('/account/password', requireCitizen, changePassword(profile, render));
  router.post('/account/password/set', requireCitizen, setPassword(profile, render));

  return router;
}

// Post/redirect/get, so that a form sent twice makes one PIN: the session holds the new PIN
// only until the page after the redirect shows it, once.
function newPin(profile: Profile, render: RenderAccount): RequestHandler {
  return async (req, res) => {
    const result = await profile.newPin(req.user!, auditContext(req));
    if ('errors' in result) {
      render(req, res, { errors: result.errors }, 429);
      return;
    }
    req.session.newPin = result.pin;
    res.redirect(303, '/account/pin');
  };
}

/** The page after the redirect: shows the new PIN once. */
function showNewPin(render: RenderAccount): RequestHandler {
  return (req, res) => {
    const pin = req.session.newPin;
    if (!pin) {
      res.redirect(303, '/account');
      return;
    }
    delete req.session.newPin;
    res.set('Cache-Control', 'no-store');
    render(req, res, { newPin: pin });
  };
}

function changePhone(profile: Profile, render: RenderAccount): RequestHandler {
  return async (req, res) => {
    const { phone } = formFields(req.body, ['phone']);
    const parsed = validate(phoneSchema, phone);
    const errors = parsed.data
      ? await profile.changePhone(req.user!, parsed.data, auditContext(req))
      : [{ field: 'phone', key: parsed.errors[0]?.key ?? 'accounts.errors.phoneFormat' }];
    if (errors.length) render(req, res, { errors, values: { phone } }, 400);
    else backToAccount(req, res, 'accounts.account.phoneChanged');
  };
}

function changeAddress(profile: Profile, render: RenderAccount): RequestHandler {
  return async (req, res) => {
    const read = readPostalAddress(req.body);
    if (!read.ok) {
      const values = formFields(req.body, ['street', 'number', 'postcode', 'city']);
      render(req, res, { errors: read.errors, values }, 400);
      return;
    }
    await profile.changePostalAddress(req.user!, read.address, auditContext(req));
    const key = read.address
      ? 'accounts.account.addressChanged'
      : 'accounts.account.addressRemoved';
    backToAccount(req, res, key);
  };
}

function changePassword(profile: Profile, render: RenderAccount): RequestHandler {
  return async (req, res) => {
    const fields = formFields(req.body, ['currentPassword', 'password', 'passwordConfirm']);
    const { errors, credentialVersion } = await profile.changePassword(
      req.user!,
      {
        current: fields.currentPassword,
        password: fields.password,
        confirm: fields.passwordConfirm,
      },
      req.sessionID,
      auditContext(req),
    );
    if (errors.length) {
      render(req, res, { errors }, 400);
      return;
    }
    // This session made the change and stays signed in; every other one is refused from now on.
    req.session.credentialVersion = credentialVersion;
    backToAccount(req, res, 'accounts.account.passwordChanged');
  };
}

/** A TaxisNet account's first username and password (and phone PIN, emailed). */
function setPassword(profile: Profile, render: RenderAccount): RequestHandler {
  return async (req, res) => {
    const fields = formFields(req.body, ['username', 'password', 'passwordConfirm']);
    const { errors, credentialVersion } = await profile.setPassword(
      req.user!,
      { username: fields.username, password: fields.password, confirm: fields.passwordConfirm },
      auditContext(req),
    );
    if (errors.length) {
      render(req, res, { errors, values: { username: fields.username } }, 400);
      return;
    }
    req.session.credentialVersion = credentialVersion;
    backToAccount(req, res, 'accounts.account.passwordSet');
  };
}

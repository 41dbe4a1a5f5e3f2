import { Router, type Request, type Response } from 'express';
import { LinkInvalidError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { formatPhone } from '../../lib/phone.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import { languageSwitchFrom } from '../../middleware/language.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { serviceStates } from '../hub/service-states.ts';
import { emailSchema, phoneSchema, validate, type FieldError } from './accounts.schemas.ts';
import type { UserRow } from './users.repository.ts';
import type { Db } from '../../db/knex.ts';
import {
  changePostalAddress,
  formatPostalAddress,
  postalAddressOf,
  readPostalAddress,
} from './postal-address.ts';
import type { createProfileService } from './profile.service.ts';

type ProfileService = ReturnType<typeof createProfileService>;

declare module 'express-session' {
  interface SessionData {
    /** A PIN just set, for the one page that shows it. */
    newPin?: string;
  }
}

/** /account: the citizen's details, what they can use, and the forms to change PIN, phone, email and password. */
export function createAccountRouter(
  db: Db,
  profile: ProfileService,
  hubEntries: readonly HubEntry[],
  /** What each module has to say on the page ("my requests: 2 open"), from the manifests. */
  itemsFor: (user: UserRow, req: Request) => Promise<{ text: string; href: string }[]> = () =>
    Promise.resolve([]),
): Router {
  const router = Router();
  router.use('/account', async (req, res, next) => {
    res.locals.accountItems = req.user ? await itemsFor(req.user, req) : [];
    next();
  });

  const renderAccount = (
    req: Request,
    res: Response,
    extra: {
      errors?: FieldError[];
      values?: Record<string, string>;
      newPin?: string;
      notice?: string;
    } = {},
    status = 200,
  ) => {
    const user = req.user!;
    const staff = user.roles.length > 0;
    // Every form here is sent to its own address and answered with this page.
    languageSwitchFrom(res, '/account');
    const checkedAt = user.identity_verified_at ? new Date(user.identity_verified_at) : null;
    const address = postalAddressOf(user);
    res.status(status).render('accounts/account', {
      pageTitle: req.t('accounts.account.title'),
      account: {
        fullName: user.full_name,
        username: user.username,
        email: user.email,
        phone: user.phone_e164 ? formatPhone(user.phone_e164) : '',
        verified: Boolean(user.identity_verified_at),
        address: address ? formatPostalAddress(address) : '',
        roles: user.roles,
        staff,
      },
      // Staff are not checked at the counter: their account page says nothing about it.
      showIdentity: !staff,
      identity: {
        checkedOn: checkedAt ? formatDate(athensDate(checkedAt), req.lang) : '',
        // What the check opens: only services mounted here, never ones still to come.
        opens: hubEntries
          .filter((entry) => entry.access === 'verified')
          .map((entry) => req.t(entry.titleKey)),
      },
      services: serviceStates(req, hubEntries, user),
      values: extra.values ?? {
        street: address?.street ?? '',
        number: address?.number ?? '',
        postcode: address?.postcode ?? '',
        city: address?.city ?? '',
      },
      newPin: extra.newPin,
      ...presentErrors(req, extra.errors ?? []),
    });
  };

  const done = (req: Request, res: Response, key: string) => {
    req.session.flash = { key };
    res.redirect(303, '/account');
  };

  router.get('/account', requireCitizen, (req, res) => renderAccount(req, res));

  // Post/redirect/get, so that a form sent twice makes one PIN: the session holds the new PIN
  // only until the page after the redirect shows it, once.
  router.post('/account/pin', requireCitizen, async (req, res) => {
    const result = await profile.newPin(req.user!, auditContext(req));
    if ('errors' in result) {
      renderAccount(req, res, { errors: result.errors }, 429);
      return;
    }
    req.session.newPin = result.pin;
    res.redirect(303, '/account/pin');
  });

  router.get('/account/pin', requireCitizen, (req, res) => {
    const pin = req.session.newPin;
    if (!pin) {
      res.redirect(303, '/account');
      return;
    }
    delete req.session.newPin;
    res.set('Cache-Control', 'no-store');
    renderAccount(req, res, { newPin: pin });
  });

  router.post('/account/phone', requireCitizen, async (req, res) => {
    const { phone } = formFields(req.body, ['phone']);
    const parsed = validate(phoneSchema, phone);
    const errors = parsed.data
      ? await profile.changePhone(req.user!, parsed.data, auditContext(req))
      : [{ field: 'phone', key: parsed.errors[0]?.key ?? 'accounts.errors.phoneFormat' }];
    if (errors.length) renderAccount(req, res, { errors, values: { phone } }, 400);
    else done(req, res, 'accounts.account.phoneChanged');
  });

  router.post('/account/address', requireCitizen, async (req, res) => {
    const read = readPostalAddress(req.body);
    if (!read.ok) {
      const values = formFields(req.body, ['street', 'number', 'postcode', 'city']);
      renderAccount(req, res, { errors: read.errors, values }, 400);
      return;
    }
    await changePostalAddress(db, req.user!, read.address, auditContext(req));
    done(
      req,
      res,
      read.address ? 'accounts.account.addressChanged' : 'accounts.account.addressRemoved',
    );
  });

  router.post('/account/email', requireCitizen, async (req, res) => {
    const { email } = formFields(req.body, ['email']);
    const parsed = validate(emailSchema, email);
    const errors = parsed.data
      ? await profile.requestEmailChange(req.user!, parsed.data, auditContext(req))
      : [{ field: 'email', key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat' }];
    const limited = errors.some((e) => e.key === 'accounts.errors.accountMailLimit');
    if (errors.length) renderAccount(req, res, { errors, values: { email } }, limited ? 429 : 400);
    else done(req, res, 'accounts.account.emailSent');
  });

  router.get('/account/email/:token', async (req, res) => {
    const state = await profile.checkEmailChange(String(req.params.token));
    if (state.state !== 'valid') {
      throw new LinkInvalidError(state.state);
    }
    res.render('accounts/confirm-email', {
      pageTitle: req.t('accounts.confirmEmail.title'),
      token: req.params.token,
      email: String(state.token.data.email),
    });
  });

  router.post('/account/email/:token', async (req, res) => {
    const outcome = await profile.confirmEmailChange(String(req.params.token), auditContext(req));
    if (outcome === 'taken') {
      res.status(409).render('accounts/link-invalid', {
        pageTitle: req.t('accounts.linkInvalid.title'),
        reason: 'emailTaken',
      });
      return;
    }
    if (outcome !== 'changed') throw new LinkInvalidError('used');
    req.session.flash = { key: 'accounts.account.emailChanged' };
    res.redirect(303, req.user ? '/account' : '/login');
  });

  router.post('/account/password', requireCitizen, async (req, res) => {
    const { currentPassword, password, passwordConfirm } = formFields(req.body, [
      'currentPassword',
      'password',
      'passwordConfirm',
    ]);
    const { errors, credentialVersion } = await profile.changePassword(
      req.user!,
      currentPassword,
      password,
      passwordConfirm,
      req.sessionID,
      auditContext(req),
    );
    if (errors.length) {
      renderAccount(req, res, { errors }, 400);
      return;
    }
    // This session made the change and stays signed in; every other one is refused from now on.
    req.session.credentialVersion = credentialVersion;
    done(req, res, 'accounts.account.passwordChanged');
  });

  return router;
}

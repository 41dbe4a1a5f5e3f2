import { Router, type Request, type RequestHandler, type Response } from 'express';
import { TokenError } from 'passport-oauth2';
import { formFields, presentErrors, safeReturnPath } from '../../lib/form.ts';
import { formatPhone } from '../../lib/phone.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { registrationSchema, validate, type FieldError } from '../accounts/accounts.schemas.ts';
import { startSession } from '../accounts/sign-in.routes.ts';
import type { ModuleContext } from '../module.ts';
import {
  createGsisAuthenticator,
  GSIS_TIMEOUT_MS,
  STRATEGY,
  type GsisAuthenticator as Authenticator,
} from './gsis-strategy.ts';
import { taxisnetSettingsOf, type TaxisnetSettings } from './taxisnet.config.ts';
import {
  createTaxisnetAccount,
  linkTaxisnet,
  signInWithTaxisnet,
  type LinkRefusal,
} from './taxisnet.service.ts';
import { UserinfoError, fullNameOf, type TaxisnetProfile } from './userinfo.ts';

declare module 'express-session' {
  interface SessionData {
    /** A TaxisNet sign-in under way: where to go after it, and whether it links the account. */
    taxisnetFlow?: { next?: string; link?: boolean };
    /** GSIS's answer for an AFM no account has yet, until the citizen gives email and phone. */
    taxisnetNew?: {
      profile: TaxisnetProfile;
      at: number;
      /** An account TaxisNet opened whose address is not confirmed yet: its details to correct. */
      unconfirmed?: { fullName: string; email: string; phone: string };
    };
  }
}

/** How long the citizen has to give email and phone after GSIS answered. */
const DETAILS_TTL_MS = 30 * 60 * 1000;
const DETAILS_FIELDS = ['fullName', 'email', 'phone', 'privacy'] as const;
const detailsSchema = registrationSchema.pick({
  fullName: true,
  email: true,
  phone: true,
  privacy: true,
});

/** Why a TaxisNet sign-in did not complete: each has its own words on the failure page. */
type Failure =
  | 'unavailable'
  | 'denied'
  | 'gsisError'
  | 'state'
  | 'unreachable'
  | 'oddReply'
  | 'disabled'
  | 'staff'
  | 'expired'
  | LinkRefusal;

/** The services' deps: the shared ones and whether a TaxisNet sign-in verifies identity. */
const serviceDeps = (ctx: ModuleContext, settings: TaxisnetSettings) => ({
  ...ctx.deps,
  verifiesIdentity: settings.verifiesIdentity,
});

/** A failure page (never a 5xx): what happened, and the ways back. */
function renderFailure(req: Request, res: Response, reason: Failure, status = 400): void {
  if (res.headersSent) return;
  res.status(status).render('taxisnet/views/failed', {
    pageTitle: req.t(`taxisnet.failed.${reason}.title`),
    reason,
    signedIn: Boolean(req.user),
  });
}

/**
 * TaxisNet sign-in: /auth/taxisnet sends the browser to GSIS, /auth/taxisnet/callback takes its
 * answer, /auth/taxisnet/details opens an account for an AFM that has none. /account/taxisnet
 * links TaxisNet to an account that signs in with a password.
 */
export function createTaxisnetRouter(ctx: ModuleContext): Router {
  const router = Router();
  const settings = taxisnetSettingsOf(ctx.deps.config);
  // Built only when TaxisNet is on: passport-oauth2 refuses a strategy without a client id.
  const authenticator = settings.enabled ? createGsisAuthenticator(settings) : undefined;
  const now = () => ctx.deps.clock.now();

  router.get('/auth/taxisnet', start(authenticator));
  router.get('/auth/taxisnet/callback', callback(ctx, settings, authenticator));
  router.get('/auth/taxisnet/details', showDetails(now));
  router.post('/auth/taxisnet/details', sendDetails(ctx, settings, now));
  router.get('/account/taxisnet', requireCitizen, (req, res) => {
    res.render('taxisnet/views/account', {
      pageTitle: req.t('taxisnet.account.title'),
      enabled: settings.enabled,
      linked: Boolean(req.user!.taxisnet_afm),
      afm: req.user!.taxisnet_afm ?? '',
      staff: req.user!.roles.length > 0,
    });
  });
  router.post('/account/taxisnet', requireCitizen, (req, res) => {
    if (!settings.enabled || req.user!.roles.length) {
      renderFailure(req, res, settings.enabled ? 'staff' : 'unavailable', 403);
      return;
    }
    const next = safeReturnPath((req.body as Record<string, unknown> | undefined)?.next);
    req.session.taxisnetFlow = { link: true, next: next ?? '/account/taxisnet' };
    res.redirect(303, '/auth/taxisnet');
  });
  return router;
}

/** To GSIS's authorization page (passport-oauth2 keeps `state` in the session). */
function start(authenticator: Authenticator | undefined): RequestHandler {
  return (req, res, next) => {
    if (!authenticator) {
      renderFailure(req, res, 'unavailable', 404);
      return;
    }
    const flow = req.session.taxisnetFlow;
    if (req.user && !flow?.link) {
      res.redirect(303, req.user.roles.length ? '/staff' : '/account');
      return;
    }
    // Linking is asked for by the account page's form (POST, with its CSRF token), never by a link.
    req.session.taxisnetFlow = flow?.link ? flow : { next: safeReturnPath(req.query.next) };
    (authenticator.authenticate(STRATEGY, { session: false }) as RequestHandler)(req, res, next);
  };
}

/** What went wrong talking to GSIS: its answer unreadable, a refusal, or no answer at all. */
function failureOf(error: unknown): Failure {
  if (error instanceof UserinfoError) return 'oddReply';
  // The token endpoint answered with an OAuth error (a code used twice, a wrong secret).
  if (error instanceof TokenError) return 'gsisError';
  return 'unreachable';
}

/** GSIS's answer: a code (exchanged, then userinfo read), or an error such as denied consent. */
function callback(
  ctx: ModuleContext,
  settings: TaxisnetSettings,
  authenticator: Authenticator | undefined,
): RequestHandler {
  const { logger } = ctx.deps;
  return (req, res, next) => {
    if (!authenticator) {
      renderFailure(req, res, 'unavailable', 404);
      return;
    }
    const flow = req.session.taxisnetFlow ?? {};
    delete req.session.taxisnetFlow;
    const error = typeof req.query.error === 'string' ? req.query.error : undefined;
    if (error) {
      renderFailure(req, res, error === 'access_denied' ? 'denied' : 'gsisError', 200);
      return;
    }
    if (typeof req.query.code !== 'string' || typeof req.query.state !== 'string') {
      renderFailure(req, res, 'state');
      return;
    }
    // node-oauth's token request has no timeout of its own: past it the citizen is answered.
    const deadline = setTimeout(
      () => renderFailure(req, res, 'unreachable'),
      GSIS_TIMEOUT_MS + 2000,
    );
    const done = (err: unknown, profile: unknown, info: unknown) => {
      clearTimeout(deadline);
      if (res.headersSent) return;
      if (err) {
        logger.warn({ err, requestId: req.id }, 'TaxisNet sign-in failed');
        renderFailure(req, res, failureOf(err));
        return;
      }
      if (!profile) {
        logger.info({ info, requestId: req.id }, 'TaxisNet sign-in refused: state');
        renderFailure(req, res, 'state');
        return;
      }
      const answer = { ctx, settings, profile: profile as TaxisnetProfile, next: flow.next };
      const handled = flow.link ? linkAccount(req, res, answer) : openAccount(req, res, answer);
      handled.catch(next);
    };
    (authenticator.authenticate(STRATEGY, { session: false }, done) as RequestHandler)(
      req,
      res,
      next,
    );
  };
}

/** GSIS's answer for this sign-in: whose profile, and where to go after it. */
interface GsisAnswer {
  ctx: ModuleContext;
  settings: TaxisnetSettings;
  profile: TaxisnetProfile;
  next: string | undefined;
}

async function openAccount(
  req: Request,
  res: Response,
  { ctx, settings, profile, next }: GsisAnswer,
): Promise<void> {
  const outcome = await signInWithTaxisnet(serviceDeps(ctx, settings), profile, auditContext(req));
  switch (outcome.kind) {
    case 'account':
      await startSession(req, outcome.user, () => ctx.deps.clock.now(), {
        with: 'taxisnet',
        signOutUrl: settings.logoutUrl(`${ctx.deps.config.baseUrl}/`),
      });
      res.redirect(303, next ?? '/');
      return;
    case 'pending':
      res.status(403).render('accounts/views/pending', {
        pageTitle: req.t('accounts.pending.title'),
        email: outcome.user.email,
      });
      return;
    case 'new':
    case 'unconfirmed':
      req.session.taxisnetNew = {
        profile,
        at: ctx.deps.clock.now().getTime(),
        ...(outcome.kind === 'unconfirmed'
          ? {
              unconfirmed: {
                fullName: outcome.user.full_name,
                email: outcome.user.email,
                phone: outcome.user.phone_e164 ? formatPhone(outcome.user.phone_e164) : '',
              },
            }
          : {}),
      };
      res.redirect(303, '/auth/taxisnet/details');
      return;
    default:
      renderFailure(req, res, outcome.kind, 403);
  }
}

async function linkAccount(
  req: Request,
  res: Response,
  { ctx, settings, profile, next }: GsisAnswer,
): Promise<void> {
  if (!req.user) {
    renderFailure(req, res, 'expired');
    return;
  }
  const result = await linkTaxisnet(
    serviceDeps(ctx, settings),
    req.user.id,
    profile,
    auditContext(req),
  );
  if ('refused' in result) {
    renderFailure(req, res, result.refused, 409);
    return;
  }
  // This session has now signed in with TaxisNet too (a service may ask for it), and its
  // sign-out ends the GSIS session.
  req.session.signedInWith = 'taxisnet';
  req.session.signOutUrl = settings.logoutUrl(`${ctx.deps.config.baseUrl}/`);
  req.session.flash = { key: 'taxisnet.account.linkedNow' };
  res.redirect(303, next ?? '/account/taxisnet');
}

/** The details form: a new account (or the unconfirmed one corrected), then "check your email". */
function sendDetails(
  ctx: ModuleContext,
  settings: TaxisnetSettings,
  now: () => Date,
): RequestHandler {
  return async (req, res) => {
    const pending = freshPending(req, now);
    if (!pending) {
      renderFailure(req, res, 'expired');
      return;
    }
    const values = formFields(req.body, DETAILS_FIELDS);
    const parsed = validate(detailsSchema, values);
    if (!parsed.data) {
      renderDetails(req, res, pending, values, parsed.errors, 400);
      return;
    }
    const { errors } = await createTaxisnetAccount(
      serviceDeps(ctx, settings),
      pending.profile,
      parsed.data,
      req.lang,
      auditContext(req),
    );
    if (errors.length) {
      renderDetails(req, res, pending, values, errors, 400);
      return;
    }
    delete req.session.taxisnetNew;
    req.session.pendingEmail = parsed.data.email;
    req.session.pendingWithoutPin = true;
    res.redirect(303, '/register/check-email');
  };
}

/** GSIS's answer for a new AFM, while it is fresh. */
function freshPending(req: Request, now: () => Date) {
  const pending = req.session.taxisnetNew;
  if (!pending || now().getTime() - pending.at > DETAILS_TTL_MS) return undefined;
  return pending;
}

function showDetails(now: () => Date): RequestHandler {
  return (req, res) => {
    const pending = freshPending(req, now);
    if (!pending) {
      // Nothing under way (opened directly, or Back after finishing): the account, or sign-in.
      if (req.user) res.redirect(303, '/account');
      else if (!req.session.taxisnetNew) res.redirect(303, '/login');
      else renderFailure(req, res, 'expired');
      return;
    }
    const values = pending.unconfirmed ?? {
      fullName: fullNameOf(pending.profile),
      email: '',
      phone: '',
    };
    renderDetails(req, res, pending, { ...values, privacy: '' }, []);
  };
}

function renderDetails(
  req: Request,
  res: Response,
  pending: NonNullable<ReturnType<typeof freshPending>>,
  values: Record<string, string>,
  errors: FieldError[],
  status = 200,
): void {
  res.status(status).render('taxisnet/views/details', {
    pageTitle: req.t('taxisnet.details.title'),
    afm: pending.profile.afm,
    // Correcting the details of an account opened earlier, whose address was not confirmed.
    correcting: Boolean(pending.unconfirmed),
    values,
    ...presentErrors(req, errors),
  });
}

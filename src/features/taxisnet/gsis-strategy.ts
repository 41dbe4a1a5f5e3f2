import passport from 'passport';
import { Strategy as OAuth2Strategy, type VerifyCallback } from 'passport-oauth2';
import type { TaxisnetSettings } from './taxisnet.config.ts';
import { parseUserinfo, type TaxisnetProfile } from './userinfo.ts';

export const STRATEGY = 'taxisnet';
/** How long GSIS gets to answer each server-to-server call (token, userinfo). */
export const GSIS_TIMEOUT_MS = 10_000;

/** GSIS did not answer, or answered with something other than a userinfo (network, status). */
export class GsisUnreachableError extends Error {}

/**
 * GSIS's OAuth2: the authorization-code flow with `state` (kept in the session), `scope=read`,
 * the client's credentials in the token request's body (node-oauth sends them so), no PKCE. The
 * profile is GSIS's userinfo XML, read with the access token as a Bearer header.
 */
class GsisStrategy extends OAuth2Strategy {
  constructor(private readonly settings: TaxisnetSettings) {
    super(
      {
        authorizationURL: settings.authorizeUrl,
        tokenURL: settings.tokenUrl,
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.callbackUrl,
        scope: 'read',
        state: true,
        pkce: false,
      },
      (
        _accessToken: string,
        _refreshToken: string,
        profile: TaxisnetProfile,
        done: VerifyCallback,
      ) =>
        // The "user" passport hands on is GSIS's profile: the routes decide which account it opens.
        done(null, profile as unknown as Express.User),
    );
    this.name = STRATEGY;
  }

  override userProfile(
    accessToken: string,
    done: (err?: unknown, profile?: unknown) => void,
  ): void {
    readUserinfo(this.settings.userinfoUrl, accessToken).then(
      (profile) => done(null, profile),
      (error: unknown) => done(error),
    );
  }
}

/** userinfo?format=xml with the access token; a reply that is not GSIS's XML throws UserinfoError. */
async function readUserinfo(url: string, accessToken: string): Promise<TaxisnetProfile> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/xml, text/xml' },
      signal: AbortSignal.timeout(GSIS_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    throw new GsisUnreachableError(`userinfo: ${(error as Error).message}`);
  }
  if (!response.ok) throw new GsisUnreachableError(`userinfo answered ${response.status}`);
  return parseUserinfo(await response.text());
}

/** An authenticator of its own (passport's default one is shared by every app in the process). */
export type GsisAuthenticator = InstanceType<typeof passport.Passport>;

export function createGsisAuthenticator(settings: TaxisnetSettings): GsisAuthenticator {
  const authenticator = new passport.Passport();
  authenticator.use(STRATEGY, new GsisStrategy(settings));
  // passport's `authenticate` lends the request this authenticator's `login`: it keeps the
  // account id in the session, as the app's own authenticator does (middleware/auth.ts).
  authenticator.serializeUser((user, done) => done(null, user.id));
  return authenticator;
}

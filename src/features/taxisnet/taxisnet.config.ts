import { z } from 'zod';
import type { Config } from '../../config.ts';
import { ConfigError, moduleConfig } from '../../module-config.ts';

import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, STAND_IN_PATH } from './dev/stand-in-client.ts';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/**
 * TaxisNet sign-in (the OAuth2 server of ΓΓΠΣΔΔ). GSIS_BASE_URL is the server's origin:
 * https://www1.gsis.gr in production, https://test.gsis.gr for the test environment.
 */
export const taxisnetConfig = z.object({
  GSIS_BASE_URL: z.url().optional(),
  GSIS_CLIENT_ID: z.string().trim().min(1).optional(),
  GSIS_CLIENT_SECRET: z.string().trim().min(1).optional(),
  /** A TaxisNet sign-in marks the account identity-verified (off: the counter does it). */
  TAXISNET_VERIFIES_IDENTITY: flag,
});

export interface TaxisnetSettings {
  /** Off in production until the municipality's credentials are set: no button, no routes. */
  enabled: boolean;
  /** The server's origin, without a trailing slash (…/dev/gsis for the stand-in). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  verifiesIdentity: boolean;
  /** The portal points at its own stand-in (development and tests with no credentials set). */
  standIn: boolean;
  /** The addresses of the protocol, all under `baseUrl`. */
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  /** Where the browser goes at sign-out to end the GSIS session, then back to `returnTo`. */
  logoutUrl: (returnTo: string) => string;
  /** Where GSIS sends the citizen back (registered with GSIS as the client's redirect URI). */
  callbackUrl: string;
}

/**
 * What TaxisNet sign-in runs with. Outside production with no GSIS_CLIENT_ID, the portal points
 * at its own stand-in (so `npm start` offers TaxisNet out of the box); production needs the
 * client's id and secret and an https server, and refuses the stand-in's client.
 */
export function taxisnetSettingsOf(config: Readonly<Config>): TaxisnetSettings {
  // Asked by the routes, the login page, the CSP and each account page: worked out once a config.
  let settings = worked.get(config);
  if (!settings) {
    settings = workOut(config);
    worked.set(config, settings);
  }
  return settings;
}

const worked = new WeakMap<Readonly<Config>, TaxisnetSettings>();

function workOut(config: Readonly<Config>): TaxisnetSettings {
  const values = moduleConfig(config, taxisnetConfig);
  const standIn = !config.isProduction && !values.GSIS_CLIENT_ID;
  if (config.isProduction) checkProduction(values);
  const baseUrl = (
    standIn ? `${config.baseUrl}${STAND_IN_PATH}` : (values.GSIS_BASE_URL ?? 'https://www1.gsis.gr')
  ).replace(/\/$/, '');
  const clientId = standIn ? DEV_CLIENT_ID : (values.GSIS_CLIENT_ID ?? '');
  const server = `${baseUrl}/oauth2server`;
  return {
    enabled: standIn || Boolean(values.GSIS_CLIENT_ID),
    baseUrl,
    clientId,
    clientSecret: standIn ? DEV_CLIENT_SECRET : (values.GSIS_CLIENT_SECRET ?? ''),
    verifiesIdentity: values.TAXISNET_VERIFIES_IDENTITY,
    standIn,
    authorizeUrl: `${server}/oauth/authorize`,
    tokenUrl: `${server}/oauth/token`,
    userinfoUrl: `${server}/userinfo?format=xml`,
    logoutUrl: (returnTo) =>
      `${server}/logout/${encodeURIComponent(clientId)}/?url=${encodeURIComponent(returnTo)}`,
    callbackUrl: `${config.baseUrl}/auth/taxisnet/callback`,
  };
}

function checkProduction(values: z.infer<typeof taxisnetConfig>): void {
  if (!values.GSIS_CLIENT_ID) return;
  if (values.GSIS_CLIENT_ID === DEV_CLIENT_ID || values.GSIS_CLIENT_SECRET === DEV_CLIENT_SECRET)
    throw new ConfigError(
      'Invalid setting GSIS_CLIENT_ID: the development stand-in’s client is public; give the credentials GSIS issued',
    );
  if (!values.GSIS_CLIENT_SECRET)
    throw new ConfigError(
      'Invalid setting GSIS_CLIENT_SECRET: TaxisNet sign-in needs it with GSIS_CLIENT_ID',
    );
  if (values.GSIS_BASE_URL && !values.GSIS_BASE_URL.startsWith('https://'))
    throw new ConfigError('Invalid setting GSIS_BASE_URL: production talks to GSIS over https');
}

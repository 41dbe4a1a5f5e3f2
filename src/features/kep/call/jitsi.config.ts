import { z } from 'zod';
import type { Config } from '../../../config.ts';
import { ConfigError, moduleConfig } from '../../../module-config.ts';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === undefined || value === 'true' || value === '1');

/** The stand-in's path on our own server, and its public (development-only) app id and secret. */
export const JITSI_STAND_IN_PATH = '/dev/jitsi';
export const DEV_JITSI_APP_ID = 'dimos-dev';
export const DEV_JITSI_APP_SECRET = 'dev-only-jitsi-secret-not-for-production-use';

/**
 * The municipality's own Jitsi Meet server (JWT authentication: prosody's `token` auth with
 * this app id and secret). No recording service runs there: see the README's deployment notes.
 */
export const jitsiConfig = z.object({
  JITSI_BASE_URL: z.url().optional(),
  JITSI_APP_ID: z.string().trim().min(1).optional(),
  JITSI_APP_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  /** A confirmed identity check on camera marks the account identity-verified (channel video). */
  VIDEO_CHECK_VERIFIES_IDENTITY: flag,
});

export interface JitsiSettings {
  /** Off in production until the server is configured: the call pages say so. */
  enabled: boolean;
  /** The server's address without a trailing slash (…/dev/jitsi for the stand-in). */
  baseUrl: string;
  /** Its origin, the one host the call pages' CSP allows for the frame and its script. */
  origin: string;
  /** The JWT's `sub`: the Jitsi domain (host name). */
  domain: string;
  appId: string;
  appSecret: string;
  verifiesIdentity: boolean;
  /** The portal points at its own stand-in (development and tests with nothing set). */
  standIn: boolean;
}

const worked = new WeakMap<Readonly<Config>, JitsiSettings>();

/** What the calls run with; worked out once a config. */
export function jitsiSettingsOf(config: Readonly<Config>): JitsiSettings {
  let settings = worked.get(config);
  if (!settings) {
    settings = workOut(config);
    worked.set(config, settings);
  }
  return settings;
}

function workOut(config: Readonly<Config>): JitsiSettings {
  const values = moduleConfig(config, jitsiConfig);
  if (config.isProduction) checkProduction(values);
  const standIn = !config.isProduction && !values.JITSI_BASE_URL;
  const baseUrl = (
    standIn ? `${config.baseUrl}${JITSI_STAND_IN_PATH}` : (values.JITSI_BASE_URL ?? '')
  ).replace(/\/$/, '');
  const url = baseUrl ? new URL(baseUrl) : undefined;
  return {
    enabled: Boolean(url),
    baseUrl,
    origin: url?.origin ?? '',
    domain: url?.hostname ?? '',
    appId: standIn ? DEV_JITSI_APP_ID : (values.JITSI_APP_ID ?? DEV_JITSI_APP_ID),
    appSecret: standIn ? DEV_JITSI_APP_SECRET : (values.JITSI_APP_SECRET ?? DEV_JITSI_APP_SECRET),
    verifiesIdentity: values.VIDEO_CHECK_VERIFIES_IDENTITY,
    standIn,
  };
}

function checkProduction(values: z.infer<typeof jitsiConfig>): void {
  if (!values.JITSI_BASE_URL) return;
  if (!values.JITSI_BASE_URL.startsWith('https://'))
    throw new ConfigError('Invalid setting JITSI_BASE_URL: production calls go over https');
  if (!values.JITSI_APP_ID)
    throw new ConfigError('Invalid setting JITSI_APP_ID: token authentication needs the app id');
  if (!values.JITSI_APP_SECRET || values.JITSI_APP_SECRET === DEV_JITSI_APP_SECRET)
    throw new ConfigError(
      'Invalid setting JITSI_APP_SECRET: production needs the Jitsi server’s own secret (32+ characters)',
    );
}

import { z } from 'zod';
import { ConfigError, moduleConfig, type Config } from '../../config.ts';

/** The development and test stand-in's token: known to everyone, so production refuses it. */
export const DEV_AUTH_TOKEN = 'dev-phone-token-never-in-production';
const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';

/** A host name, with a port when it is not the scheme's: api.twilio.com, 127.0.0.1:4010. */
const host = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'a host name, with :port if needed (api.twilio.com)');

/**
 * The phone portal's settings. The provider (Twilio, or one that speaks and signs as it does)
 * calls BASE_URL/phone/voice when a call comes in and BASE_URL/phone/status when it ends.
 */
export const phoneConfig = z.object({
  TWILIO_ACCOUNT_SID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{10,64}$/, 'the account SID (AC…)')
    .optional(),
  /** Signs the provider's webhooks (HMAC-SHA1) and authenticates our fetch of recordings. */
  TWILIO_AUTH_TOKEN: z.string().trim().min(16, 'at least 16 characters').optional(),
  /** The only host recordings are fetched from (api.twilio.com). */
  TWILIO_RECORDINGS_HOST: host.optional(),
  /** The voices `<Say>` uses; a voice must speak its language, or the provider says nothing. */
  PHONE_VOICE_EL: z.string().trim().min(1).default('Google.el-GR-Standard-A'),
  PHONE_VOICE_EN: z.string().trim().min(1).default('Google.en-GB-Standard-A'),
});

export interface PhoneSettings {
  /** Off: no token in production; the webhooks answer 404 and nothing else is said. */
  enabled: boolean;
  accountSid: string;
  authToken: string;
  recordingsHost: string;
  /** https for a real provider; http is allowed outside production (a local stand-in). */
  recordingsSecure: boolean;
  voices: { el: string; en: string };
}

/**
 * What the phone portal runs with. Outside production the development token and the portal's
 * own host (its stand-in recordings at /dev/phone/recordings) are the defaults, so /dev/phone
 * works with no settings; production refuses the development token and needs every setting.
 */
export function phoneSettingsOf(config: Readonly<Config>): PhoneSettings {
  const settings = moduleConfig(config, phoneConfig);
  const voices = { el: settings.PHONE_VOICE_EL, en: settings.PHONE_VOICE_EN };
  if (config.isProduction) {
    if (settings.TWILIO_AUTH_TOKEN === DEV_AUTH_TOKEN)
      throw new ConfigError(
        'Invalid setting TWILIO_AUTH_TOKEN: the development token is public; give the provider account’s auth token',
      );
    const token = settings.TWILIO_AUTH_TOKEN;
    if (token && (!settings.TWILIO_ACCOUNT_SID || !settings.TWILIO_RECORDINGS_HOST))
      throw new ConfigError(
        `Invalid setting ${settings.TWILIO_ACCOUNT_SID ? 'TWILIO_RECORDINGS_HOST' : 'TWILIO_ACCOUNT_SID'}: the phone portal needs it with TWILIO_AUTH_TOKEN`,
      );
    return {
      enabled: Boolean(token),
      accountSid: settings.TWILIO_ACCOUNT_SID ?? '',
      authToken: token ?? '',
      recordingsHost: settings.TWILIO_RECORDINGS_HOST ?? '',
      recordingsSecure: true,
      voices,
    };
  }
  return {
    enabled: true,
    accountSid: settings.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
    authToken: settings.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
    recordingsHost: settings.TWILIO_RECORDINGS_HOST ?? new URL(config.baseUrl).host,
    recordingsSecure: false,
    voices,
  };
}

import { localesBeside, type Module } from '../module.ts';
import { endQuietCalls } from './calls.repository.ts';
import { phoneConfig, phoneSettingsOf } from './phone.config.ts';
import { createPhoneWebhooks } from './phone.routes.ts';
import * as phoneCalls from './migrations/20261226090100_phone_calls.ts';

/**
 * The phone portal (φωνητική πύλη): a caller signs in with the number they registered and their
 * PIN, then applies for a certificate (1), files or follows a request (2) or votes (3), through the
 * same services as the website. The provider (Twilio, or one that speaks its TwiML and signs as it
 * does) calls the webhooks; staff read the call log; /dev/phone tries it without a provider.
 */
export const phoneModule: Module = {
  name: 'phone',
  webhooks: { prefix: '/phone', router: (ctx) => createPhoneWebhooks(ctx) },
  jobs: [
    {
      name: 'phone.end-quiet-calls',
      schedule: '*/15 * * * *',
      run: async (deps) => {
        await endQuietCalls(deps.db);
      },
    },
  ],
  auditActions: ['phone.signed_in', 'phone.pin_failed'],
  config: phoneConfig,
  checkConfig: (config) => void phoneSettingsOf(config),
  migrations: { '20261226090100_phone_calls': phoneCalls },
  locales: localesBeside(import.meta.url, ['certificates', 'requests', 'polls', 'staff', 'dev']),
};

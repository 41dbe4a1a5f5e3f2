import { localesBeside, type Module } from '../module.ts';
import { readSetting } from '../settings/settings.ts';
import { endQuietCalls, forgetOldCalls } from './calls.repository.ts';
import { phoneConfig, phoneSettingsOf } from './phone.config.ts';
import { createPhoneWebhooks } from './phone.routes.ts';
import { fetchRecordingJob } from './recordings.job.ts';
import { createPhoneSimulatorRouter } from './dev/simulator.routes.ts';
import { createCallLogRouter } from './staff/call-log.routes.ts';
import {
  erasePhone,
  exportPhone,
  exportPhoneFiles,
  forgetOldRecordings,
} from './phone.personal.ts';
import { Router } from 'express';
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
  // The simulator is a stand-in for the provider: production never mounts it.
  routes: (ctx) => (ctx.deps.config.isProduction ? Router() : createPhoneSimulatorRouter(ctx)),
  sessionPaths: ['dev'],
  staff: [
    { prefix: '/phone', role: 'admin', navKey: 'staff.nav.phone', router: createCallLogRouter },
  ],
  jobs: [
    fetchRecordingJob,
    {
      name: 'phone.end-quiet-calls',
      schedule: '*/15 * * * *',
      run: async (deps) => {
        await endQuietCalls(deps.db);
      },
    },
  ],
  retention: [
    {
      name: 'phone.forget-calls',
      labelKey: 'phone.retention.calls',
      settingKey: 'phone.callLogDays',
      schedule: '40 3 * * *',
      run: async (deps) =>
        forgetOldCalls(deps.db, deps.clock.now(), await readSetting(deps, 'phone.callLogDays')),
    },
    {
      name: 'phone.forget-recordings',
      labelKey: 'phone.retention.recordings',
      settingKey: 'phone.recordingDays',
      schedule: '45 3 * * *',
      run: forgetOldRecordings,
    },
  ],
  settings: [
    {
      key: 'phone.callLogDays',
      labelKey: 'phone.settings.callLogDays.label',
      hintKey: 'phone.settings.callLogDays.hint',
      min: 7,
      max: 3650,
      default: () => 180,
    },
    {
      key: 'phone.recordingDays',
      labelKey: 'phone.settings.recordingDays.label',
      hintKey: 'phone.settings.recordingDays.hint',
      min: 1,
      max: 3650,
      default: () => 90,
    },
  ],
  privacyNotice: {
    headingKey: 'phone.privacy.heading',
    bodyKey: 'phone.privacy.body',
    params: async (deps) => ({
      days: await readSetting(deps, 'phone.callLogDays'),
      recordingDays: await readSetting(deps, 'phone.recordingDays'),
    }),
  },
  // Their calls and recordings; erasure deletes their calls (the recordings go with their requests).
  exportFor: exportPhone,
  exportFiles: exportPhoneFiles,
  eraseFor: erasePhone,
  auditActions: ['phone.signed_in', 'phone.pin_failed'],
  config: phoneConfig,
  checkConfig: (config) => void phoneSettingsOf(config),
  migrations: { '20261226090100_phone_calls': phoneCalls },
  locales: localesBeside(import.meta.url, ['certificates', 'requests', 'polls', 'staff', 'dev']),
};

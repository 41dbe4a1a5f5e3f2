import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { jitsiConfig, jitsiSettingsOf } from './call/jitsi.config.ts';
import { DEMO_KEP_MANAGER, seedDemoKep } from './kep.demo.ts';
import { createKepRouter, KEP_HUB_ENTRY } from './kep.routes.ts';
import { KEP_SETTINGS, readKepSettings } from './kep.settings.ts';
import { kepAccountSummary } from './manage.routes.ts';
import { sendDueReminders } from './reminders.job.ts';
import { eraseExpiredDetails } from './retention.job.ts';
import { eraseKep } from './kep.erasure.ts';
import { exportKep, exportKepFiles } from './kep.personal.ts';
import { createKepScheduleRouter } from './staff/schedule.routes.ts';
import { createKepSettingsRouter } from './staff/settings.routes.ts';
import * as kep from './migrations/20261228090000_kep.ts';
import * as kepNotify from './migrations/20261228090100_kep_notify.ts';
import * as kepCall from './migrations/20261229090000_kep_call.ts';
import * as kepErasure from './migrations/20261230110000_kep_erasure.ts';

/**
 * ΚΕΠ video appointments (myKEPlive): a citizen signed in with TaxisNet books a video call with
 * a ΚΕΠ clerk in a service area; the platform assigns the clerk, and the database guarantees no
 * clerk has two appointments at once (an exclusion constraint on each clerk's buffered time).
 * ΚΕΠ managers set the areas, clerks' hours, leave and closures; clerks see their schedule.
 */
export const kepModule: Module = {
  name: 'kep',
  routes: createKepRouter,
  hubEntry: KEP_HUB_ENTRY,
  sessionPaths: ['kep'],
  uploadPaths: [/^\/kep\/book\/details$/, /^\/staff\/kep\/appointments\/\d+\/result$/],
  accountSummary: kepAccountSummary,
  staff: [
    // The longer prefix first: /staff/kep/settings is the managers', the rest the clerks'.
    {
      prefix: '/kep/settings',
      role: 'kep_manager',
      navKey: 'staff.nav.kepSettings',
      router: createKepSettingsRouter,
    },
    {
      prefix: '/kep',
      role: 'clerk',
      navKey: 'staff.nav.kep',
      router: createKepScheduleRouter,
    },
  ],
  roles: [{ name: 'kep_manager', labelKey: 'staff.roles.kep_manager' }],
  settings: KEP_SETTINGS,
  jobs: [{ name: 'kep.reminders', schedule: '* * * * *', run: (deps) => sendDueReminders(deps) }],
  retention: [
    {
      name: 'kep.retention',
      labelKey: 'kep.retention.details',
      settingKey: 'kep.retentionDays',
      schedule: '40 3 * * *',
      run: (deps) => eraseExpiredDetails(deps),
    },
  ],
  exportFor: exportKep,
  exportFiles: exportKepFiles,
  eraseFor: eraseKep,
  auditActions: [
    'kep.area_changed',
    'kep.clerk_areas_changed',
    'kep.hours_changed',
    'kep.absence_added',
    'kep.absence_removed',
    'kep.closure_added',
    'kep.closure_removed',
    'kep.appointment_reassigned',
    'kep.appointment_cancelled',
    'kep.appointment_booked_for',
    'kep.no_show',
    'kep.details_viewed',
    'kep.call_identity_checked',
    'kep.call_audio_only',
    'kep.call_guest_invited',
    'kep.call_guest_admitted',
    'kep.call_outcome_recorded',
    'kep.call_result_delivered',
  ],
  privacyNotice: {
    headingKey: 'kep.privacy.heading',
    bodyKey: 'kep.privacy.body',
    params: async (deps) => ({ days: (await readKepSettings(deps)).retentionDays }),
  },
  demo: { seed: seedDemoKep, accounts: [DEMO_KEP_MANAGER] },
  migrations: {
    '20261228090000_kep': kep,
    '20261228090100_kep_notify': kepNotify,
    '20261229090000_kep_call': kepCall,
    '20261230110000_kep_erasure': kepErasure,
  },
  config: jitsiConfig,
  checkConfig: (config) => void jitsiSettingsOf(config),
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url, [
    'book',
    'manage',
    'staff-settings',
    'staff-schedule',
    'call',
    'outcome',
    'guests',
    'manual',
    'dev-jitsi',
  ]),
};

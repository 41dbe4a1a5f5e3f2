import { emailsBeside, localesBeside, type Module } from '../module.ts';
import { readSetting } from '../settings/settings.ts';
import { createAccessibilityRouter } from './accessibility.routes.ts';
import { deleteAnsweredFeedback, eraseFeedback, exportFeedback } from './accessibility.personal.ts';
import { createFeedbackRouter } from './staff/feedback.routes.ts';
import * as feedback from './migrations/20261231090000_accessibility_feedback.ts';

/**
 * The accessibility statement (Law 4727/2020, in the model of Decision (EU) 2018/1523) and its
 * feedback form: a report is stored, mailed to the municipality's contact address, and answered
 * by admins at /staff/accessibility-feedback; deleted a set number of days after its answer.
 */
export const accessibilityModule: Module = {
  name: 'accessibility',
  routes: (ctx) => createAccessibilityRouter(ctx.deps),
  // The statement is the same for everyone (kept, no session); its feedback form is not.
  publicPages: [{ path: /\/accessibility/ }],
  sessionPaths: ['accessibility'],
  staff: [
    {
      prefix: '/accessibility-feedback',
      role: 'admin',
      navKey: 'staff.nav.accessibilityFeedback',
      router: createFeedbackRouter,
    },
  ],
  auditActions: ['accessibility.feedback_answered'],
  settings: [
    {
      key: 'accessibility.feedbackDays',
      labelKey: 'accessibility.settings.feedbackDays.label',
      hintKey: 'accessibility.settings.feedbackDays.hint',
      min: 1,
      max: 3650,
      default: () => 365,
    },
  ],
  retention: [
    {
      name: 'accessibility.feedback',
      labelKey: 'accessibility.retention.feedback',
      settingKey: 'accessibility.feedbackDays',
      schedule: '33 3 * * *',
      run: deleteAnsweredFeedback,
    },
  ],
  privacyNotice: {
    headingKey: 'accessibility.privacy.heading',
    bodyKey: 'accessibility.privacy.body',
    params: async (deps) => ({ days: await readSetting(deps, 'accessibility.feedbackDays') }),
  },
  exportFor: exportFeedback,
  eraseFor: eraseFeedback,
  migrations: { '20261231090000_accessibility_feedback': feedback },
  emails: emailsBeside(import.meta.url),
  locales: localesBeside(import.meta.url),
};

import { Router } from 'express';
import { localesBeside, type Module } from '../module.ts';
import { createDevMailboxRouter } from './dev-mailbox.routes.ts';
import { deleteMailHistory } from './mail-history.ts';
import { readSetting } from '../settings/settings.ts';
import * as devMailboxAttachments from './migrations/20261222090400_dev_mailbox_attachments.ts';

/** Outgoing mail: the queue and worker (shared by every module), and the development mailbox. */
export const mailModule: Module = {
  name: 'mail',
  // The development mailbox is a stand-in: production never mounts it.
  routes: (ctx) => (ctx.deps.config.isProduction ? Router() : createDevMailboxRouter(ctx.deps)),
  sessionPaths: ['dev'],
  privacyNotice: {
    headingKey: 'mail.privacy.heading',
    bodyKey: 'mail.privacy.body',
    params: async (deps) => ({ count: await readSetting(deps, 'mail.historyDays') }),
  },
  settings: [
    {
      key: 'mail.historyDays',
      labelKey: 'mail.settings.historyDays.label',
      hintKey: 'mail.settings.historyDays.hint',
      min: 1,
      max: 30,
      default: () => 1,
    },
  ],
  retention: [
    {
      name: 'mail.history',
      labelKey: 'mail.retention.history',
      settingKey: 'mail.historyDays',
      schedule: '7 * * * *',
      run: deleteMailHistory,
    },
  ],
  migrations: { '20261222090400_dev_mailbox_attachments': devMailboxAttachments },
  locales: localesBeside(import.meta.url),
};

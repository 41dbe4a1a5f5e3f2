import { Router } from 'express';
import { localesBeside, type Module } from '../module.ts';
import { createDevMailboxRouter } from './dev-mailbox.routes.ts';
import * as devMailboxAttachments from './migrations/20261222090400_dev_mailbox_attachments.ts';

/** Outgoing mail: the queue and worker (shared by every module), and the development mailbox. */
export const mailModule: Module = {
  name: 'mail',
  // The development mailbox is a stand-in: production never mounts it.
  routes: (ctx) => (ctx.deps.config.isProduction ? Router() : createDevMailboxRouter(ctx.deps)),
  sessionPaths: ['dev'],
  privacyNotice: { headingKey: 'mail.privacy.heading', bodyKey: 'mail.privacy.body' },
  migrations: { '20261222090400_dev_mailbox_attachments': devMailboxAttachments },
  locales: localesBeside(import.meta.url),
};

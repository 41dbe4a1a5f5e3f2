import type { Config } from '../../config.ts';
import type { Conn } from '../../db/knex.ts';
import type { TFunction } from '../../lib/i18n.ts';
import type { Lang } from '../../lib/localized.ts';
import { hashToken } from '../../lib/tokens.ts';
import { renderEmail, type EmailContext } from './emails.ts';
import type { EnqueueOptions, MailAttachment, MailQueue } from './mail-queue.ts';

/** Whom a mail goes to, and in which language it is written. */
export interface Recipient {
  email: string;
  lang: Lang;
}

export interface Mailer {
  /**
   * Renders a module's mail template (`<template>.html.ejs` and `.txt.ejs`) in the recipient's language and queues it,
   * inside `conn`'s transaction when there is one (the mail leaves only if the change commits).
   * `link`: the mail carries a one-time link whose time counts from when the mail is sent.
   */
  send(
    template: string,
    to: Recipient,
    data: Record<string, unknown>,
    conn?: Conn,
    options?: EnqueueOptions & {
      link?: { token: string; ttlMs: number };
      attachments?: MailAttachment[];
    },
  ): Promise<void>;
  /** The strings and the municipality's details a mail in `lang` is written with. */
  context(lang: Lang): EmailContext;
}

export function createMailer(deps: {
  config: Readonly<Config>;
  i18n: { t: (lang: Lang) => TFunction };
  mail: MailQueue;
  /** Every mail template and its folder (registry.ts: emailTemplatesOf). */
  templates: ReadonlyMap<string, string>;
}): Mailer {
  const { config } = deps;
  const context = (lang: Lang): EmailContext => ({
    lang,
    t: deps.i18n.t(lang),
    municipality: lang === 'en' ? config.MUNICIPALITY_NAME_EN : config.MUNICIPALITY_NAME_EL,
    baseUrl: config.baseUrl,
    contactPhone: config.CONTACT_PHONE,
  });
  return {
    context,
    async send(template, to, data, conn, options = {}) {
      const { link, attachments, ...enqueue } = options;
      const folder = deps.templates.get(template);
      if (!folder) throw new Error(`No module has the mail template ${template}`);
      const mail = await renderEmail(folder, template, to.email, context(to.lang), data);
      if (link)
        mail.linkValidity = {
          tokenHash: hashToken(link.token),
          seconds: Math.round(link.ttlMs / 1000),
        };
      if (attachments?.length) mail.attachments = attachments;
      await deps.mail.enqueue(mail, conn, enqueue);
    },
  };
}

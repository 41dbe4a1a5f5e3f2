import nodemailer from 'nodemailer';
import type { Db } from '../../db/knex.ts';
import type { OutgoingMail } from './mail-queue.ts';

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Real delivery through the municipality's SMTP server, over a few connections kept open (a new
 * connection per message, with its greeting and login, would cap the worker at a few a second).
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, pool: true, maxConnections: 5 });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
      });
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL (development): messages are kept in a table and shown at /dev/mailbox. */
export function devMailboxTransport(db: Db): MailTransport {
  return {
    async send(mail) {
      await db('dev_mailbox').insert({
        to_address: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
      });
    },
    close: () => undefined,
  };
}

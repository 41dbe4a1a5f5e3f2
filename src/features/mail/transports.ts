import { readFile, stat } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { Db } from '../../db/knex.ts';
import type { DocumentStore } from '../../lib/document-store.ts';
import type { MailAttachment, OutgoingMail } from './mail-queue.ts';

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * A message's attachments as nodemailer takes them, read from the document store now, when the
 * message is sent (the job carries only their keys). A file that is missing fails the send, and
 * pg-boss retries it: better late than without the certificate it announces.
 */
export async function readAttachments(
  documents: Pick<DocumentStore, 'pathOf'> | undefined,
  attachments: readonly MailAttachment[] | undefined,
): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  if (!attachments?.length) return [];
  if (!documents) throw new Error('this mail transport has no document store for attachments');
  return Promise.all(
    attachments.map(async (attachment) => ({
      filename: attachment.fileName,
      content: await readFile(documents.pathOf(attachment.documentKey)),
      contentType: attachment.contentType,
    })),
  );
}

/**
 * Real delivery through the municipality's SMTP server, over a few connections kept open (a new
 * connection per message, with its greeting and login, would cap the worker at a few a second).
 */
export function smtpTransport(
  url: string,
  from: string,
  /** Where attachments are read from; a transport without one sends no mail that has any. */
  documents?: Pick<DocumentStore, 'pathOf'>,
): MailTransport {
  const transporter = nodemailer.createTransport({ url, pool: true, maxConnections: 5 });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        attachments: await readAttachments(documents, mail.attachments),
      });
    },
    close: () => transporter.close(),
  };
}

/** An attachment as the development mailbox keeps it: the store's key, and its size when sent. */
export interface KeptAttachment extends MailAttachment {
  bytes: number;
}

/**
 * Without SMTP_URL (development): messages are kept in a table and shown at /dev/mailbox, their
 * attachments by their key in the document store (the files stay there), checked when sent.
 */
export function devMailboxTransport(
  db: Db,
  documents?: Pick<DocumentStore, 'pathOf'>,
): MailTransport {
  return {
    async send(mail) {
      const attachments: KeptAttachment[] = await Promise.all(
        (mail.attachments ?? []).map(async (attachment) => ({
          ...attachment,
          bytes: documents ? (await stat(documents.pathOf(attachment.documentKey))).size : 0,
        })),
      );
      await db('dev_mailbox').insert({
        to_address: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        attachments: JSON.stringify(attachments),
      });
    },
    close: () => undefined,
  };
}

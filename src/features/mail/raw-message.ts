import { readFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { DocumentStore } from '../../lib/document-store.ts';
import type { DevMessage } from './dev-mailbox.repository.ts';

// Builds messages without sending them: the MIME text an SMTP server would receive.
const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'unix',
});

/**
 * The whole message (headers, text and HTML parts, attachments) as the SMTP transport would send
 * it. An attachment whose file has left the document store since is left out.
 */
export async function rawMessage(
  message: DevMessage,
  from: string,
  documents: Pick<DocumentStore, 'pathOf'>,
): Promise<Buffer> {
  const attachments = await Promise.all(
    (message.attachments ?? []).map(async (attachment) => {
      const content = await readFile(documents.pathOf(attachment.documentKey)).catch(
        () => undefined,
      );
      return (
        content && {
          filename: attachment.fileName,
          content,
          contentType: attachment.contentType,
        }
      );
    }),
  );
  const info = (await composer.sendMail({
    from,
    to: message.to_address,
    subject: message.subject,
    text: message.text,
    html: message.html,
    date: message.created_at,
    messageId: `<dev-mailbox-${message.id}@eservices.invalid>`,
    attachments: attachments.filter((attachment) => attachment !== undefined),
  })) as { message: Buffer };
  return info.message;
}

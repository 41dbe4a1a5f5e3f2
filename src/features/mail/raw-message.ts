import nodemailer from 'nodemailer';
import type { DevMessage } from './dev-mailbox.repository.ts';

// Builds messages without sending them: the MIME text an SMTP server would receive.
const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'unix',
});

/** The whole message (headers, text and HTML parts) as the SMTP transport would send it. */
export async function rawMessage(message: DevMessage, from: string): Promise<Buffer> {
  const info = (await composer.sendMail({
    from,
    to: message.to_address,
    subject: message.subject,
    text: message.text,
    html: message.html,
    date: message.created_at,
    messageId: `<dev-mailbox-${message.id}@eservices.invalid>`,
  })) as { message: Buffer };
  return info.message;
}

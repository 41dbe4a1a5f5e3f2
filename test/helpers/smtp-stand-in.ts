import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.ts';

/** A message as the SMTP stand-in received it. */
export interface ReceivedMail {
  /** The envelope's recipients, comma-separated. */
  to: string;
  /** The Subject header, decoded. */
  subject: string;
  raw: string;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * The municipality's SMTP server as a test drives it, on one port throughout:
 * - `close()`: nothing listens (connections refused, as when the server is down);
 * - `refuse()`: it listens but turns every connection away with 421 (busy, try later);
 * - `accept()`: it takes every message into `inbox`.
 */
export interface SmtpStandIn {
  url: string;
  inbox: ReceivedMail[];
  /** Connections turned away by `refuse()`. */
  refused: () => number;
  close(): Promise<void>;
  refuse(): Promise<void>;
  accept(): Promise<void>;
}

export async function startSmtpStandIn(): Promise<SmtpStandIn> {
  const port = await freePort();
  const inbox: ReceivedMail[] = [];
  let refusing = false;
  let refused = 0;
  let server: SMTPServer | undefined;

  const listen = async () => {
    if (server) return;
    const next = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // The worker keeps its connections open: closing does not wait for it to hang up.
      closeTimeout: 500,
      onConnect(_session, callback) {
        if (!refusing) return callback();
        refused += 1;
        callback(
          Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }),
        );
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          inbox.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: subjectOf(raw),
            raw,
            at: performance.now(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', () => resolve()));
    server = next;
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    refused: () => refused,
    close: async () => {
      const current = server;
      server = undefined;
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    refuse: async () => {
      refusing = true;
      await listen();
    },
    accept: async () => {
      refusing = false;
      await listen();
    },
  };
}

/** The Subject header of a raw message: unfolded, its MIME encoded words (RFC 2047) decoded. */
export function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
  // Adjacent encoded words are one text (a letter's bytes may be split between two): the space
  // between them is not part of it.
  const word = /=\?[^?]+\?([BbQq])\?([^?]*)\?=/g;
  return line
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) =>
      Buffer.concat(
        [...run.matchAll(word)].map(([, kind, text]) => wordBytes(kind!, text!)),
      ).toString('utf8'),
    );
}

function wordBytes(kind: string, text: string): Buffer {
  if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const bytes = text
    .replace(/_/g, ' ')
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1');
}

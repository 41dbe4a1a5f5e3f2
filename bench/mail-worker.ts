/**
 * The mail worker's delivery rate: messages queued in PostgreSQL (pg-boss) as the portal queues
 * them, sent by the worker as the portal runs it (startMailWorker, the pooled SMTP transport) to
 * a local SMTP server. Midway, one activation-like message (priority 'link') is queued behind the
 * bulk still waiting; its delivery time is reported too.
 *
 * `node --import tsx bench/mail-worker.ts` runs it alone (DATABASE_URL's server, or an embedded
 * one under .data/bench-mail-postgres); bench/run.ts calls benchMailWorker().
 */
import { SMTPServer } from 'smtp-server';
import { pathToFileURL } from 'node:url';
import { createDb } from '../src/db/knex.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import {
  createBoss,
  createMailQueue,
  ensureMailQueue,
  type OutgoingMail,
} from '../src/features/mail/mail-queue.ts';
import { startMailWorker } from '../src/features/mail/mail-worker.ts';
import { smtpTransport } from '../src/features/mail/transports.ts';
import { createLogger } from '../src/lib/logger.ts';
import { freePort } from '../test/helpers/free-port.ts';

export interface MailBenchResult {
  mails: number;
  seconds: number;
  mailsPerSecond: number;
  /** From queuing the activation-like message (with the bulk still waiting) to its delivery. */
  urgentDeliveryMs: number;
  /** Bulk messages still undelivered when the urgent one arrived. */
  bulkStillWaiting: number;
}

const BIG_TEXT = 'Ενημέρωση του Δήμου για τις υπηρεσίες του μήνα. '.repeat(40);

const bulkMail = (i: number): OutgoingMail => ({
  to: `reader.${i}@example.gr`,
  subject: `Ενημερωτικό δελτίο ${i}`,
  text: BIG_TEXT,
  html: `<p>${BIG_TEXT}</p>`,
});

function startSmtp(port: number, onMessage: (to: string) => void): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        onMessage(session.envelope.rcptTo.map((r) => r.address).join(','));
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** A PostgreSQL server: DATABASE_URL's, or an embedded one started for the bench. */
async function databaseServer(url?: string) {
  if (url) return { url, stop: () => Promise.resolve() };
  return startEmbeddedPostgres({
    dataDir: '.data/bench-mail-postgres',
    port: await freePort(),
    database: 'postgres',
  });
}

export async function benchMailWorker(
  options: { databaseUrl?: string; mails?: number } = {},
): Promise<MailBenchResult> {
  const total = options.mails ?? 1000;
  const server = await databaseServer(options.databaseUrl ?? process.env.DATABASE_URL);
  // A database of its own on that server, dropped at the end.
  const name = `eservices_bench_mail_${process.pid}`;
  const admin = createDb(server.url, 1);
  await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;

  const boss = createBoss(url.toString(), { worker: true });
  // Dropping the database at the end ends pg-boss's idle connections: not a failure of the bench.
  boss.on('error', () => undefined);
  await boss.start();
  await ensureMailQueue(boss, { retryDelaySeconds: 1, retryLimit: 3 });
  const queue = createMailQueue(boss);

  const port = await freePort();
  const delivered: { to: string; at: number }[] = [];
  let onDelivered = () => undefined as void;
  const smtp = await startSmtp(port, (to) => {
    delivered.push({ to, at: performance.now() });
    onDelivered();
  });
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 'bench <bench@example.gov.gr>');

  try {
    for (let i = 0; i < total; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, (_v, k) =>
          queue.enqueue(bulkMail(i + k), undefined, { priority: 'bulk' }),
        ),
      );

    let urgentQueuedAt = 0;
    const allDelivered = new Promise<void>((resolve) => {
      onDelivered = () => {
        if (delivered.length === Math.floor(total / 5) && !urgentQueuedAt) {
          urgentQueuedAt = performance.now();
          void queue.enqueue(
            { ...bulkMail(-1), to: 'new.citizen@example.gr', subject: 'Ενεργοποίηση' },
            undefined,
            { priority: 'link' },
          );
        }
        if (delivered.length >= total + 1) resolve();
      };
    });
    const started = performance.now();
    await startMailWorker(boss, transport, createLogger('silent'));
    await allDelivered;
    const seconds = (performance.now() - started) / 1000;
    const urgentIndex = delivered.findIndex((d) => d.to === 'new.citizen@example.gr');
    return {
      mails: total,
      seconds: Math.round(seconds * 100) / 100,
      mailsPerSecond: Math.round((total + 1) / seconds),
      urgentDeliveryMs: Math.round(delivered[urgentIndex]!.at - urgentQueuedAt),
      bulkStillWaiting: total + 1 - (urgentIndex + 1),
    };
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    transport.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.destroy();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchMailWorker();
  console.log(JSON.stringify(result));
  console.log(
    `mail worker: ${result.mailsPerSecond} mails/s (${result.mails} in ${result.seconds} s); ` +
      `an activation queued behind ${result.mails - Math.floor(result.mails / 5)} bulk mails ` +
      `arrived in ${result.urgentDeliveryMs} ms, ${result.bulkStillWaiting} of them still waiting`,
  );
}

import type PgBoss from 'pg-boss';
import type { Logger } from '../../lib/logger.ts';
import { MAIL_QUEUE, type OutgoingMail } from './mail-queue.ts';
import type { MailTransport } from './transports.ts';

export interface MailWorkerOptions {
  /** Messages fetched at once (highest priority first) and sent side by side. */
  batchSize?: number;
  /** How often an idle worker looks for mail; a busy one fetches again as soon as it is done. */
  pollingIntervalSeconds?: number;
  /** Called after a message is sent, e.g. to start the clock of the link it carries. */
  afterSend?: (mail: OutgoingMail) => Promise<void>;
}

/**
 * Sends queued mail: a batch at a time, the messages of a batch side by side (the SMTP transport
 * keeps a few connections open), and straight on to the next batch while the queue is full.
 * Each batch is fetched by priority, so a waiting activation goes out with the next batch
 * whatever bulk mail was queued before it. A message that fails (SMTP down) fails alone, and
 * pg-boss retries it later with back-off: an outage delays mail, it does not lose it.
 */
export async function startMailWorker(
  boss: PgBoss,
  transport: MailTransport,
  logger: Logger,
  options: MailWorkerOptions = {},
): Promise<string> {
  const { batchSize = 20, pollingIntervalSeconds = 0.5, afterSend } = options;
  // Known once boss.work answers, before its first batch can be handled.
  const worker: { id?: string } = {};

  const sendOne = async (job: PgBoss.Job<OutgoingMail>): Promise<void> => {
    try {
      await transport.send(job.data);
    } catch (error) {
      logger.warn({ jobId: job.id, err: (error as Error).message }, 'mail not sent, will retry');
      await boss.fail(MAIL_QUEUE, job.id, { message: (error as Error).message });
      return;
    }
    logger.info({ jobId: job.id }, 'mail sent');
    // Sent is sent: a failure here must not send the message again.
    await afterSend?.(job.data).catch((error: unknown) =>
      logger.warn({ jobId: job.id, err: (error as Error).message }, 'after-send step failed'),
    );
  };

  worker.id = await boss.work<OutgoingMail>(
    MAIL_QUEUE,
    { batchSize, pollingIntervalSeconds },
    async (jobs) => {
      await Promise.all(jobs.map(sendOne));
      // A full batch means more is waiting: skip the pause before the next fetch.
      if (jobs.length === batchSize && worker.id) boss.notifyWorker(worker.id);
      // Returning completes the jobs still active; those failed above stay failed (for retry).
    },
  );
  return worker.id;
}

import type PgBoss from 'pg-boss';
import type { Logger } from '../../lib/logger.ts';
import { MAIL_QUEUE, type OutgoingMail } from './mail-queue.ts';
import type { MailTransport } from './transports.ts';

/**
 * Sends queued mail. A failure (SMTP down) fails the job, and pg-boss retries it later with
 * back-off: an outage delays mail, it does not lose it.
 */
export async function startMailWorker(
  boss: PgBoss,
  transport: MailTransport,
  logger: Logger,
  pollingIntervalSeconds = 2,
): Promise<string> {
  return boss.work<OutgoingMail>(
    MAIL_QUEUE,
    { batchSize: 1, pollingIntervalSeconds },
    async (jobs) => {
      for (const job of jobs) {
        try {
          await transport.send(job.data);
          logger.info({ jobId: job.id }, 'mail sent');
        } catch (error) {
          logger.warn(
            { jobId: job.id, err: (error as Error).message },
            'mail not sent, will retry',
          );
          throw error;
        }
      }
    },
  );
}

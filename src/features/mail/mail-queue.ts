import type { Knex } from 'knex';
import PgBoss from 'pg-boss';
import type { Conn } from '../../db/knex.ts';
import { ensureQueue } from '../queues.ts';

export const MAIL_QUEUE = 'mail';
/**
 * Requests for an account's mail made by someone who is not signed in (resend the activation,
 * reset the password): the request only queues one of these, whether or not the address has an
 * account, and the worker looks the account up. So the answer takes the same time either way.
 */
export const ACCOUNT_MAIL_REQUESTS_QUEUE = 'account-mail-requests';

/**
 * Higher goes first (pg-boss fetches by priority, then age): a link someone is waiting for at
 * the screen (activation, password reset, email change, staff invite) is never queued behind
 * account notices, and neither is ever queued behind bulk mail.
 */
export const MAIL_PRIORITY = { bulk: 0, notice: 10, link: 20 } as const;
export type MailPriority = keyof typeof MAIL_PRIORITY;

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * The message carries a link whose validity counts from when the message is sent (not from when
   * it was queued, which an SMTP outage may make hours earlier): the worker sets the token's
   * expiry to `seconds` after sending. See startLinkValidity in src/lib/one-time-links.ts.
   */
  linkValidity?: { tokenHash: string; seconds: number };
  /**
   * Files sent with the message (an issued certificate): named by their key in the document
   * store and read from it when the message is sent, never carried in the job's data.
   */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  fileName: string;
  /** The file's key in the document store. */
  documentKey: string;
  contentType: string;
}

export interface EnqueueOptions {
  /** Default: 'notice'. */
  priority?: MailPriority;
}

export interface MailQueue {
  /** Queues a message; inside a transaction, it is queued only if the transaction commits. */
  enqueue(mail: OutgoingMail, conn?: Conn, options?: EnqueueOptions): Promise<void>;
}

export interface QueueOptions {
  retryDelaySeconds: number;
  retryLimit: number;
}

/** pg-boss in the application's own PostgreSQL: mail waits in a table until a worker sends it. */
export function createBoss(
  connectionString: string,
  options: {
    worker: boolean;
    /** How often the schedules are checked (pg-boss's default: 30 s); tests shorten it. */
    scheduleCheckSeconds?: number;
  },
): PgBoss {
  const scheduleChecks =
    options.scheduleCheckSeconds === undefined
      ? {}
      : {
          cronMonitorIntervalSeconds: options.scheduleCheckSeconds,
          cronWorkerIntervalSeconds: options.scheduleCheckSeconds,
        };
  return new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: 3,
    application_name: options.worker ? 'eservices-worker' : 'eservices-web',
    supervise: options.worker,
    schedule: options.worker,
    // Sent mail (which may carry a PIN) is not kept around: archived after an hour, deleted by
    // the retention rule mail.history (the setting mail.historyDays, 1 to 30); 30 days at most.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 30,
    ...scheduleChecks,
  });
}

interface PgConnection {
  query: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;
}
interface BossDb {
  executeSql: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;
}

/** The connection of a knex transaction, in the shape pg-boss can run its insert on. */
export async function bossDbFor(conn: Conn): Promise<BossDb> {
  // Inside a knex transaction, acquireConnection hands back the transaction's own connection.
  const transaction = conn as unknown as {
    client: { acquireConnection: () => Promise<PgConnection> };
  };
  const connection = await transaction.client.acquireConnection();
  return { executeSql: (text, values) => connection.query(text, values) };
}

/** The mail queue with its retry policy (from config: updated when it changes), which every message inherits. */
export async function ensureMailQueue(boss: PgBoss, options: QueueOptions): Promise<void> {
  const policy = {
    name: MAIL_QUEUE,
    retryLimit: options.retryLimit,
    retryDelay: options.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: 120,
  };
  if (await boss.getQueue(MAIL_QUEUE)) await boss.updateQueue(MAIL_QUEUE, policy);
  else await boss.createQueue(MAIL_QUEUE, policy);
  await ensureQueue(boss, ACCOUNT_MAIL_REQUESTS_QUEUE, { retryLimit: 3, retryDelay: 5 });
}

export function createMailQueue(boss: PgBoss): MailQueue {
  return {
    async enqueue(mail, conn, options = {}) {
      const priority = MAIL_PRIORITY[options.priority ?? 'notice'];
      const isTransaction = Boolean(conn && (conn as Knex.Transaction).isTransaction);
      if (isTransaction && conn)
        await boss.send(MAIL_QUEUE, mail, { priority, db: await bossDbFor(conn) });
      else await boss.send(MAIL_QUEUE, mail, { priority });
    },
  };
}

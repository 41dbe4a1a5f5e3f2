import type { Db } from '../../db/knex.ts';
import { MAIL_QUEUE } from './mail-queue.ts';
import type { KeptAttachment } from './transports.ts';

export interface DevMessage {
  id: number;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  /** Files sent with it, by their key in the document store (see devMailboxTransport). */
  attachments: KeptAttachment[];
  created_at: Date;
}

export interface QueuedMessage {
  id: string;
  state: 'created' | 'retry' | 'active';
  to: string;
  subject: string;
  created_on: Date;
}

export async function listDevMessages(
  db: Db,
  limit = 50,
): Promise<(Omit<DevMessage, 'html' | 'text' | 'attachments'> & { attachment_count: number })[]> {
  return (await db('dev_mailbox')
    .select('id', 'to_address', 'subject', 'created_at')
    .select(db.raw('jsonb_array_length(attachments) AS attachment_count'))
    .orderBy('id', 'desc')
    .limit(limit)) as (Omit<DevMessage, 'html' | 'text' | 'attachments'> & {
    attachment_count: number;
  })[];
}

export async function findDevMessage(db: Db, id: number): Promise<DevMessage | undefined> {
  return (await db('dev_mailbox').where({ id }).first()) as DevMessage | undefined;
}

/** Mail still in the queue (pg-boss's table): registered a moment ago, or waiting for a retry. */
export async function listQueuedMail(db: Db, limit = 50): Promise<QueuedMessage[]> {
  const result = (await db.raw(
    `SELECT id::text AS id, state::text AS state, data->>'to' AS "to",
            data->>'subject' AS subject, created_on
       FROM pgboss.job
      WHERE name = ? AND state IN ('created', 'retry', 'active')
      ORDER BY created_on DESC
      LIMIT ?`,
    [MAIL_QUEUE, limit],
  )) as { rows: QueuedMessage[] };
  return result.rows;
}

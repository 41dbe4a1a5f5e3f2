import type { Deps } from '../../deps.ts';
import { readSetting } from '../settings/settings.ts';
import { ACCOUNT_MAIL_REQUESTS_QUEUE, MAIL_QUEUE } from './mail-queue.ts';

const QUEUES = [MAIL_QUEUE, ACCOUNT_MAIL_REQUESTS_QUEUE];

/**
 * The rule mail.history: the mail queue's finished jobs (each holds a message with its address,
 * and may hold a PIN or a link) deleted `mail.historyDays` after they finished, from pg-boss's
 * job and archive tables. Messages still waiting or being tried again are never touched.
 */
export async function deleteMailHistory(
  deps: Pick<Deps, 'db' | 'clock' | 'modules' | 'config' | 'contentCache'>,
): Promise<number> {
  const days = await readSetting(deps, 'mail.historyDays');
  const cutoff = new Date(deps.clock.now().getTime() - days * 86_400_000);
  const finished = await deps
    .db('pgboss.job')
    .whereIn('name', QUEUES)
    .whereIn('state', ['completed', 'failed', 'cancelled'])
    .where('completed_on', '<', cutoff)
    .delete();
  const archived = await deps
    .db('pgboss.archive')
    .whereIn('name', QUEUES)
    .where((query) => query.where('completed_on', '<', cutoff).orWhereNull('completed_on'))
    .where('archived_on', '<', cutoff)
    .delete();
  return finished + archived;
}

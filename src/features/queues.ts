import type PgBoss from 'pg-boss';

/** How a queue's jobs are tried again (pg-boss's queue policy). */
export interface QueuePolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff?: boolean;
}

export const DEFAULT_QUEUE_POLICY: QueuePolicy = { retryLimit: 3, retryDelay: 30 };

const made = new WeakMap<PgBoss, Set<string>>();

/**
 * The queue, made with its policy if it does not exist yet: by the worker when it starts, or by
 * whoever queues a job first (a job may be queued before the worker has started). Asked of
 * pg-boss once per process and queue.
 */
export async function ensureQueue(
  boss: PgBoss,
  name: string,
  policy: QueuePolicy = DEFAULT_QUEUE_POLICY,
): Promise<void> {
  const known = made.get(boss) ?? new Set<string>();
  made.set(boss, known);
  if (known.has(name)) return;
  if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...policy });
  known.add(name);
}

import type { Db } from '../db/knex.ts';
import type { Clock } from './clock.ts';

export interface RateLimitRule {
  /** e.g. 'login:ip' */
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in PostgreSQL: one upsert per attempt, atomic, shared by every process.
 * Returns true while the key is within its limit.
 */
export async function hitRateLimit(
  db: Db,
  clock: Clock,
  rule: RateLimitRule,
  key: string,
): Promise<boolean> {
  const now = clock.now().getTime();
  const windowStart = new Date(now - (now % (rule.windowSeconds * 1000)));
  const result = (await db.raw(
    `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
     RETURNING hits`,
    [`${rule.name}:${key}`, windowStart],
  )) as { rows: { hits: number }[] };
  return (result.rows[0]?.hits ?? 0) <= rule.limit;
}

/** Old windows are useless; the worker's hourly maintenance job calls this. */
export async function pruneRateLimits(db: Db, clock: Clock): Promise<void> {
  await db('rate_limits')
    .where('window_start', '<', new Date(clock.now().getTime() - 24 * 3600 * 1000))
    .delete();
}

export const RATE_LIMITS = {
  loginPerIp: { name: 'login:ip', limit: 30, windowSeconds: 15 * 60 },
  registerPerIp: { name: 'register:ip', limit: 10, windowSeconds: 60 * 60 },
  resendPerIp: { name: 'resend:ip', limit: 10, windowSeconds: 60 * 60 },
  resendPerAccount: { name: 'resend:account', limit: 3, windowSeconds: 60 * 60 },
  resetPerIp: { name: 'reset:ip', limit: 10, windowSeconds: 60 * 60 },
  resetPerAccount: { name: 'reset:account', limit: 3, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitRule>;

import type { Conn, Db } from '../db/knex.ts';
import type { Clock } from './clock.ts';

export interface RateLimitRule {
  /** e.g. 'login:ip' */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** The counter a key counts in now: its row's key, and the start of the current fixed window. */
function windowOf(clock: Clock, rule: RateLimitRule, key: string) {
  const now = clock.now().getTime();
  return {
    counter: `${rule.name}:${key}`,
    windowStart: new Date(now - (now % (rule.windowSeconds * 1000))),
  };
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
  const { counter, windowStart } = windowOf(clock, rule, key);
  const result = (await db.raw(
    `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
     RETURNING hits`,
    [counter, windowStart],
  )) as { rows: { hits: number }[] };
  return (result.rows[0]?.hits ?? 0) <= rule.limit;
}

/**
 * Takes back an attempt hitRateLimit counted, for limits that count only some outcomes (failed
 * sign-ins): counting first and giving back after keeps parallel attempts within the limit.
 */
export async function refundRateLimit(
  db: Db,
  clock: Clock,
  rule: RateLimitRule,
  key: string,
): Promise<void> {
  const { counter, windowStart } = windowOf(clock, rule, key);
  await db('rate_limits')
    .where({ key: counter, window_start: windowStart })
    .where('hits', '>', 0)
    .decrement('hits', 1);
}

/** Old windows are useless; the retention rule site.prune calls this. Returns how many went. */
export async function pruneRateLimits(db: Db, clock: Clock): Promise<number> {
  const dayAgo = new Date(clock.now().getTime() - DAY_MS);
  const windows = await db('rate_limits').where('window_start', '<', dayAgo).delete();
  // A day without a failure forgets a key's count, for names with an account and without alike.
  const failures = await db('sign_in_failures').where('last_failed_at', '<', dayAgo).delete();
  return windows + failures;
}

const DAY_MS = 24 * 3600 * 1000;

/** A growing lock: `freeFailures` failures are free, then each one locks for 1, 2, 4… minutes. */
export interface FailureLockRule {
  freeFailures: number;
  maxLockMinutes: number;
}

export const SIGN_IN_LOCK: FailureLockRule = { freeFailures: 5, maxLockMinutes: 60 };

/** The latest time any of the keys is locked until, if that is still ahead. */
export async function lockedUntil(
  db: Conn,
  clock: Clock,
  keys: readonly string[],
): Promise<Date | undefined> {
  const row = (await db('sign_in_failures')
    .whereIn('key', keys)
    .where('locked_until', '>', clock.now())
    .max({ until: 'locked_until' })
    .first()) as { until: Date | null } | undefined;
  return row?.until ?? undefined;
}

/**
 * Counts one failure against each key, in one statement whatever the keys, and returns the lock
 * that now applies, if any: the `freeFailures`th failure locks for 1 minute, the next for 2, then
 * 4… A failure while a key is locked changes nothing (the lock neither grows nor ends), but costs
 * the same statement: sign-in records every failure this way, so a locked account answers in the
 * time a wrong password takes.
 */
export async function recordFailure(
  db: Conn,
  clock: Clock,
  rule: FailureLockRule,
  keys: readonly string[],
): Promise<Date | undefined> {
  const now = clock.now();
  const lockFor = (failures: string) =>
    `make_interval(mins => LEAST(:max, 2 ^ LEAST(${failures} - :free, 30))::int)`;
  const result = (await db.raw(
    `INSERT INTO sign_in_failures AS f (key, failures, last_failed_at, locked_until)
     SELECT key, 1, :now, CASE WHEN 1 >= :free THEN :now::timestamptz + ${lockFor('1')} END
       FROM jsonb_array_elements_text(:keys::jsonb) AS key
     ON CONFLICT (key) DO UPDATE SET
       last_failed_at = :now,
       failures = CASE WHEN f.locked_until > :now THEN f.failures ELSE f.failures + 1 END,
       locked_until = CASE
         WHEN f.locked_until > :now THEN f.locked_until
         WHEN f.failures + 1 >= :free THEN :now::timestamptz + ${lockFor('(f.failures + 1)')}
         ELSE f.locked_until END
     RETURNING locked_until`,
    {
      now,
      keys: JSON.stringify(keys),
      free: rule.freeFailures,
      max: rule.maxLockMinutes,
    },
  )) as { rows: { locked_until: Date | null }[] };
  let until: Date | undefined;
  for (const { locked_until: keyUntil } of result.rows)
    if (keyUntil && keyUntil > now && (!until || keyUntil > until)) until = keyUntil;
  return until;
}

/** A success (or a new password) forgets the keys' failures. */
export async function clearFailures(db: Conn, keys: readonly string[]): Promise<void> {
  await db('sign_in_failures').whereIn('key', keys).delete();
}

export const RATE_LIMITS = {
  // Failed sign-ins per address: a service desk behind one address signs many people in.
  loginPerIp: { name: 'login:ip', limit: 30, windowSeconds: 15 * 60 },
  // Every registration form sent (valid in form) counts, answered "taken" or not: see the README.
  registerPerIp: { name: 'register:ip', limit: 20, windowSeconds: 60 * 60 },
  registerNoticePerAccount: { name: 'register-notice:account', limit: 3, windowSeconds: 60 * 60 },
  resendPerIp: { name: 'resend:ip', limit: 10, windowSeconds: 60 * 60 },
  resendPerAccount: { name: 'resend:account', limit: 3, windowSeconds: 60 * 60 },
  resetPerIp: { name: 'reset:ip', limit: 10, windowSeconds: 60 * 60 },
  resetPerAccount: { name: 'reset:account', limit: 3, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitRule>;

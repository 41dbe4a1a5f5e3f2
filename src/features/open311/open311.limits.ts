/** Calls without an api_key per client address: 300 in 5 minutes (a burst of 300, then 1 a second). */
export const ANONYMOUS_READS = { limit: 300, windowSeconds: 300, maxClients: 10_000 };

export interface ClientLimiter {
  /** Counts a call; 0 when it may go ahead, else the seconds until the client may call again. */
  take(client: string): number;
}

/**
 * A token bucket per client address, in this process's memory: `limit` calls, refilled evenly
 * over `windowSeconds`. Not the shared fixed windows in PostgreSQL (hitRateLimit): those are one
 * INSERT … ON CONFLICT per call, and this check runs before every anonymous GET, most of them
 * answered from memory in well under a millisecond; a write to the database each time would cost
 * more than the answer. The price: the limit holds per process (with N processes a client gets
 * up to N × limit), and a restart forgets the counts. The map is bounded: past `maxClients`
 * addresses the one not seen for longest is forgotten (it starts again with a full bucket).
 */
export function createClientLimiter(options: {
  limit: number;
  windowSeconds: number;
  maxClients: number;
  now: () => number;
}): ClientLimiter {
  const perMs = options.limit / (options.windowSeconds * 1000);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(client) {
      const now = options.now();
      let bucket = buckets.get(client);
      if (bucket) {
        buckets.delete(client);
        bucket.tokens = Math.min(options.limit, bucket.tokens + (now - bucket.at) * perMs);
        bucket.at = now;
      } else {
        if (buckets.size >= options.maxClients) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: options.limit, at: now };
      }
      // Re-inserted: the map's order is the order clients were last seen.
      buckets.set(client, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

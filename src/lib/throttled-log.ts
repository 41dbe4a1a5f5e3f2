/** What a throttled line adds: how many of its kind were left out since the last one written. */
export interface ThrottleNote {
  repeated?: number;
  dropped?: number;
}

/**
 * For what repeats while something is down (a database outage fails every request and every
 * pool attempt): `allow(key)` says whether to write a line now. Each key is let through at most
 * once per window, its next line noting how many were left out (`repeated`); and at most
 * `maxLines` lines per window in all, the next noting how many others were dropped (`dropped`).
 * An outage so writes a bounded number of lines, however long it lasts and however busy the site.
 */
export function createLogThrottle(
  options: { windowMs?: number; maxLines?: number; now?: () => number } = {},
): (key: string) => ThrottleNote | undefined {
  const { windowMs = 60_000, maxLines = 20, now = Date.now } = options;
  const seen = new Map<string, { until: number; repeated: number }>();
  let windowStart = -Infinity;
  let written = 0;
  let dropped = 0;
  return (key) => {
    const time = now();
    if (time - windowStart >= windowMs) {
      windowStart = time;
      written = 0;
      // Keys past their window go (with their count too, when there are too many to keep).
      const crowded = seen.size > 1000;
      for (const [k, entry] of seen)
        if (time >= entry.until && (crowded || !entry.repeated)) seen.delete(k);
    }
    const entry = seen.get(key);
    if (entry && time < entry.until) {
      entry.repeated += 1;
      return undefined;
    }
    if (written >= maxLines) {
      dropped += 1;
      return undefined;
    }
    written += 1;
    seen.set(key, { until: time + windowMs, repeated: 0 });
    const note: ThrottleNote = {
      ...(entry?.repeated ? { repeated: entry.repeated } : {}),
      ...(dropped ? { dropped } : {}),
    };
    dropped = 0;
    return note;
  };
}

import type { Deps } from '../../deps.ts';
import { athensDate } from '../../lib/format.ts';
import { localFeast } from '../site/local-feast.ts';
import { loadAreaTime } from './booking.service.ts';
import { readKepSettings } from './kep.settings.ts';
import { freeDays, freeSlots, lastBookableDay, type SlotRules } from './slots.ts';

// The free days and times the booking pages offer, and their work-cache keys

/** The booking rules now (settings, the local feast), for the free days and times. */
export async function rulesNow(deps: Deps) {
  const [settings, feast] = await Promise.all([readKepSettings(deps), localFeast(deps)]);
  const booking = {
    bufferMinutes: settings.bufferMinutes,
    noticeMinutes: settings.noticeMinutes,
    horizonDays: settings.horizonDays,
  };
  return { settings, booking, feast, now: deps.clock.now() };
}

export type Rules = Awaited<ReturnType<typeof rulesNow>>;

function slotRules(rules: Rules, minutes: number): SlotRules {
  const slot: SlotRules = { minutes, ...rules.booking, now: rules.now };
  if (rules.feast) slot.localFeast = rules.feast;
  return slot;
}

/** The area's days with a free time, from today to the horizon. */
export async function freeDaysOf(deps: Deps, areaId: number, rules: Rules): Promise<string[]> {
  return deps.workCache.get(freeKey('days', areaId, rules), async () => {
    const from = athensDate(rules.now);
    const to = lastBookableDay({ now: rules.now, horizonDays: rules.booking.horizonDays });
    const time = await loadAreaTime(deps.db, areaId, { from, to }, rules.booking.bufferMinutes);
    if (!time) return [];
    return freeDays(from, to, slotRules(rules, time.minutes), time.clerks, time.closures);
  });
}

/**
 * Free days and times are kept in the work cache for the minute they were worked out in (the
 * notice moves with the clock) and the policy they were worked out with; a write to the tables
 * they come from empties the cache (the kep_notify migration), so a booking shows at once.
 */
function freeKey(what: string, areaId: number, rules: Rules, day = ''): string {
  const { bufferMinutes, noticeMinutes, horizonDays } = rules.booking;
  const feast = rules.feast ? `${rules.feast.month}-${rules.feast.day}` : '';
  const minute = Math.floor(rules.now.getTime() / 60_000);
  return `kep:free:${what}:${areaId}:${day}:${minute}:${bufferMinutes}:${noticeMinutes}:${horizonDays}:${feast}`;
}

/** The free start times of one day of the area. */
export async function freeTimesOf(deps: Deps, areaId: number, day: string, rules: Rules) {
  const starts = await deps.workCache.get(freeKey('times', areaId, rules, day), async () => {
    const time = await loadAreaTime(
      deps.db,
      areaId,
      { from: day, to: day },
      rules.booking.bufferMinutes,
    );
    if (!time) return [];
    return freeSlots(day, slotRules(rules, time.minutes), time.clerks, time.closures).map(
      (slot) => ({ ...slot, start: slot.start.getTime(), end: slot.end.getTime() }),
    );
  });
  // Kept as numbers: each page gets Dates of its own.
  return starts.map((slot) => ({ ...slot, start: new Date(slot.start), end: new Date(slot.end) }));
}

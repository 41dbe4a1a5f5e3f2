import { athensParts } from './format.ts';

// Athens wall time to instants: clerks' hours, demo timelines and day boundaries are written as
// the municipality's clocks read them; what is stored and compared is instants.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** What Athens' clocks read at an instant, written as a UTC time, so readings compare as numbers. */
function athensWall(ms: number): number {
  const p = athensParts(new Date(ms));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!);
}

function wallStamp(isoDate: string, time: string): number {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return Date.UTC(year, month - 1, day, hour, minute);
}

/**
 * The instant a wall reading names. Near a clock change there are two offsets, the one before
 * and the one after: a reading the clocks show twice (03:30 on the last Sunday of October) is the
 * first; one they skip (03:30 on the last Sunday of March) takes the offset before the change,
 * so it lands where the clocks had moved on to (04:30), as Temporal's 'compatible' does.
 */
function resolveWall(wall: number): number {
  const before = wall - (athensWall(wall - DAY) - (wall - DAY));
  const after = wall - (athensWall(wall + DAY) - (wall + DAY));
  const readings = [Math.min(before, after), Math.max(before, after)];
  return readings.find((ms) => athensWall(ms) === wall) ?? before;
}

// Each day's rows are converted again for every page; a few thousand readings is a small map.
const resolved = new Map<string, number>();

/**
 * The instant of a wall time in Athens ('HH:MM', or 'HH:MM:SS' read to the minute):
 * athensInstant('2026-03-30', '09:00') is 06:00Z.
 */
export function athensInstant(isoDate: string, time: string): Date {
  const key = `${isoDate}T${time.slice(0, 5)}`;
  let ms = resolved.get(key);
  if (ms === undefined) {
    ms = resolveWall(wallStamp(isoDate, time));
    if (resolved.size > 20_000) resolved.clear();
    resolved.set(key, ms);
  }
  return new Date(ms);
}

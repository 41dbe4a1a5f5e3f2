import { athensInstant } from '../../lib/athens-time.ts';
import { athensDateTime } from '../../lib/format.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as ISO 8601 on Athens' clock with its offset: 2026-11-26T10:00:00+02:00. */
export function athensIso(instant: Date): string {
  const local = athensDateTime(instant, { seconds: true });
  const asUtc = Date.parse(`${local.replace(' ', 'T')}Z`);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  const minutes = Math.round((asUtc - whole) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local.replace(' ', 'T')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The end of a calendar day in Athens (a due date), as ISO 8601 with the day's offset. */
export function endOfAthensDay(isoDate: string): string {
  // Noon that day (UTC) has the same offset as the evening: summer time changes at night.
  const offset = athensIso(new Date(`${isoDate}T12:00:00Z`)).slice(-6);
  return `${isoDate}T23:59:59${offset}`;
}

/** The start of a calendar day in Athens (midnight on its clocks), as an instant. */
export function startOfAthensDay(isoDate: string): Date {
  return athensInstant(isoDate, '00:00');
}

/** A calendar day `days` before another (YYYY-MM-DD). */
export function daysBefore(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** A date-time as the spec writes them (ISO 8601 with Z or an offset); undefined otherwise. */
export function parseIsoDateTime(value: string): Date | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(
      value,
    );
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  if (mo! < 1 || mo! > 12 || h! > 23 || mi! > 59) return undefined;
  if (d! < 1 || new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDate() !== d) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time) || y! < 1970 || y! > 9999) return undefined;
  return new Date(time);
}

import { addDays } from '../../../lib/dates.ts';
import { athensInstant } from '../../../lib/athens-time.ts';
import { athensDate } from '../../../lib/format.ts';
import type { RequestStatus } from '../requests.repository.ts';
import {
  ANSWERS,
  BACK_TO_WORK_NOTE,
  CLOSING_NOTE,
  INTERNAL_NOTES,
  mergeNote,
  moveNote,
  PROGRESS_NOTES,
  REOPEN_REASON,
} from './demo-notes.ts';
import type { DemoRequest, Filer } from './demo-types.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** One event of a demo request's timeline, `hours` after it was filed. */
export interface PlannedEvent {
  kind: string;
  status: RequestStatus | null;
  /** The handler, or the citizen who filed it. */
  by: 'handler' | Filer;
  publicNote: string | null;
  internalNote: string | null;
  hours: number;
}

/** What a timeline needs beyond the request: names that only the database knows. */
export interface TimelineContext {
  group: string;
  /** The department it was moved to (its Greek name). */
  department: string;
  /** The original's reference (ΑΙΤ-…) for a merged duplicate. */
  original?: string;
}

/**
 * The events a request went through to reach its story's state, in the order the real handling
 * makes them (submitted, moved, assigned, in progress, answer, closed, reopened, merged), spaced
 * by a few hours to a few days that vary with `n` so the queue does not look machine-made.
 */
export function planTimeline(r: DemoRequest, n: number, context: TimelineContext): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  let hours = 0;
  const add = (
    after: number,
    event: Omit<PlannedEvent, 'hours' | 'internalNote'>,
    internal?: string,
  ) => {
    hours += after;
    events.push({ ...event, internalNote: internal ?? null, hours });
  };
  const handler = (kind: string, status: RequestStatus | null, publicNote: string | null = null) =>
    ({ kind, status, by: 'handler', publicNote }) as const;
  const comment = () => {
    if (r.comment)
      add(20 + (n % 9) * 3, { kind: 'comment', status: null, by: r.by, publicNote: r.comment });
  };
  add(0, { kind: 'submitted', status: 'submitted', by: r.by, publicNote: null });
  if (r.story === 'merged') {
    add(4 + (n % 7), handler('merged', 'merged', mergeNote(context.original ?? '')));
    return events;
  }
  if (r.movedFrom) add(2 + (n % 3), handler('moved', null, moveNote(context.department)));
  if (r.story === 'submitted') {
    comment();
    return events;
  }
  add(2 + ((n * 5) % 22), handler('assigned', 'assigned'));
  if (r.story === 'assigned') {
    comment();
    return events;
  }
  const progress = r.note ?? PROGRESS_NOTES[context.group] ?? PROGRESS_NOTES.other!;
  add(
    18 + ((n * 7) % 60),
    handler('status', 'in_progress', progress),
    INTERNAL_NOTES[n % INTERNAL_NOTES.length],
  );
  if (r.public) add(1, handler('visibility', null));
  comment();
  if (r.story === 'in_progress') return events;
  add(
    40 + ((n * 13) % 140),
    handler('answer', 'answered', r.answer ?? ANSWERS[r.category] ?? null),
  );
  if (r.story === 'answered') return events;
  add(24 + ((n * 11) % 50), handler('status', 'closed', CLOSING_NOTE));
  if (r.story === 'closed') return events;
  add(48 + ((n * 3) % 40), {
    kind: 'reopened',
    status: 'assigned',
    by: r.by,
    publicNote: r.reopenReason ?? REOPEN_REASON,
  });
  add(6 + (n % 20), handler('status', 'in_progress', BACK_TO_WORK_NOTE));
  return events;
}

/**
 * When it was filed (`daysAgo` days before today, at `hour` in Athens) and when each event
 * happened: a timeline longer than the time since filing is squeezed into it, so every event is
 * after the filing and before today.
 */
export function placeInTime(
  filed: readonly [daysAgo: number, hour: number],
  n: number,
  events: readonly PlannedEvent[],
  today: Date,
): { filedAt: Date; times: Date[] } {
  const day = addDays(athensDate(today), -filed[0]);
  const latest = today.getTime() - 3 * 3_600_000;
  const filedAt = new Date(
    Math.min(athensInstant(day, `${pad(filed[1])}:${pad((n * 17) % 60)}`).getTime(), latest),
  );
  const available = (today.getTime() - filedAt.getTime()) / 3_600_000 - 0.5;
  const last = events.at(-1)?.hours ?? 0;
  const scale = last > available ? available / last : 1;
  return {
    filedAt,
    times: events.map(
      (event) =>
        new Date(
          filedAt.getTime() +
            Math.round(event.hours * scale * 3_600_000) +
            (event.hours ? 60_000 : 0),
        ),
    ),
  };
}

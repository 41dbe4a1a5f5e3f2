import type { Request } from 'express';
import { formatDateTime } from '../../../lib/format.ts';
import type { AuditRow } from '../../audit/audit.repository.ts';

/** One row of the history's table: a field by its label, its value before and after, as text. */
type ShownChange = { before: string; after: string };

/** An option as the audit log keeps it (auditFields in poll-editor.service.ts). */
interface AuditedOption {
  label_el?: string;
  label_en?: string;
  spoken_el?: string | null;
  spoken_en?: string | null;
}

const h = 'polls.staff.history';

/** The fields the log keeps, in the form's order: each shown with its label, never its name. */
const FIELDS = [
  'question_el',
  'question_en',
  'description_el',
  'description_en',
  'opens_at',
  'closes_at',
  'electorate',
  'by_phone',
  'options',
  'status',
  'reason',
] as const;

/** A time the log keeps as an ISO instant, on Athens' clock in the page's language. */
function timeText(req: Request, value: unknown): string {
  const instant = new Date(String(value));
  return Number.isNaN(instant.getTime()) ? String(value) : formatDateTime(instant, req.lang);
}

/** The options as a numbered list: "1. Ναι / Yes (spoken: ναι / yes)", one a line. */
function optionsText(req: Request, value: unknown): string {
  if (!Array.isArray(value)) return '';
  return (value as AuditedOption[])
    .map((option, i) => {
      const spoken = [option.spoken_el, option.spoken_en].filter(Boolean).join(' / ');
      const label = `${i + 1}. ${option.label_el ?? ''} / ${option.label_en ?? ''}`;
      return spoken ? `${label} (${req.t(`${h}.spoken`, { spoken })})` : label;
    })
    .join('\n');
}

/** A value the log keeps, as people read it; nothing (a new poll's "before") is empty. */
function valueText(req: Request, field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const word = typeof value === 'string' ? value : JSON.stringify(value);
  switch (field) {
    case 'opens_at':
    case 'closes_at':
      return timeText(req, value);
    case 'by_phone':
      return req.t(`${h}.${value ? 'yes' : 'no'}`);
    case 'electorate':
      return req.t(`polls.electorate.${word}`, { defaultValue: word });
    case 'status':
      return req.t(`polls.status.${word}`, { defaultValue: word });
    case 'options':
      return optionsText(req, value);
    default:
      return word === '' ? req.t(`${h}.none`) : word;
  }
}

/** Before/after pairs by field name, keyed by their labels instead, in the form's order. */
function shownChanges(
  req: Request,
  pairs: Record<string, { before: unknown; after: unknown }>,
): Record<string, ShownChange> {
  const shown: Record<string, ShownChange> = {};
  const names = [
    ...FIELDS.filter((name) => name in pairs),
    ...Object.keys(pairs).filter((name) => !(FIELDS as readonly string[]).includes(name)),
  ];
  for (const name of names) {
    const label = req.t(`${h}.fields.${name}`, { defaultValue: name });
    shown[label] = {
      before: valueText(req, name, pairs[name]!.before),
      after: valueText(req, name, pairs[name]!.after),
    };
  }
  return shown;
}

/**
 * What an entry's details say, as before/after pairs by field name: the changes an edit made,
 * a new poll's content (from nothing), or an early close's status and reason.
 */
function pairsOf(entry: AuditRow): Record<string, { before: unknown; after: unknown }> | undefined {
  const details = entry.details ?? {};
  if (details.changes && typeof details.changes === 'object')
    return details.changes as Record<string, { before: unknown; after: unknown }>;
  if (entry.action === 'polls.created' && details.after && typeof details.after === 'object')
    return Object.fromEntries(
      Object.entries(details.after as Record<string, unknown>).map(([name, after]) => [
        name,
        { before: null, after },
      ]),
    );
  if (entry.action === 'polls.closed_early')
    return {
      status: { before: details.status ?? null, after: 'closed' },
      reason: { before: null, after: details.reason ?? null },
    };
  return undefined;
}

/**
 * A poll's audit entries as the shared history page shows them (views/staff/history.ejs shows
 * `details.changes` as a table of field, before, after): fields named by their labels in the
 * page's language, times on Athens' clock, yes or no, the options as a numbered list, and an
 * early close's reason. The log itself keeps the raw values.
 */
export function presentPollHistory(req: Request, entries: readonly AuditRow[]): AuditRow[] {
  return entries.map((entry) => {
    const pairs = pairsOf(entry);
    if (!pairs || !Object.keys(pairs).length) return { ...entry, details: {} };
    return { ...entry, details: { changes: shownChanges(req, pairs) } };
  });
}

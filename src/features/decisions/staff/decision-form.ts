import {
  datePartsToIso,
  dateProblemKey,
  isoToDateParts,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import { formFields } from '../../../lib/form.ts';

/** The form's one-line fields; the meeting date comes as three (`meeting_date-day`, -month, -year). */
export const DECISION_FIELDS = ['number', 'year', 'category', 'subject', 'summary', 'ada'] as const;
export type DecisionFormValues = Record<(typeof DECISION_FIELDS)[number], string> & {
  meeting_date: DateParts;
};

export interface DecisionInput {
  number: number | null;
  year: number;
  meeting_date: string;
  category_slug: string | null;
  subject: string;
  summary: string;
  ada: string | null;
}

export interface FormError {
  field: string;
  key: string;
  params?: Record<string, unknown>;
}

/** ADA: Greek capitals (or Latin look-alikes) and digits, a hyphen, three more (e.g. ΨΘ82ΩΡΦ-7ΑΙ). */
export const ADA_PATTERN = /^[Α-ΩA-Z0-9]{4,10}-[Α-ΩA-Z0-9]{3}$/;

/** A stored decision as the form shows it. */
export function decisionFormValues(row: {
  number: number | null;
  year: number;
  meeting_date: string;
  category_slug: string | null;
  subject: string;
  summary: string;
  ada: string | null;
}): DecisionFormValues {
  return {
    number: row.number === null ? '' : String(row.number),
    year: String(row.year),
    meeting_date: isoToDateParts(row.meeting_date),
    category: row.category_slug ?? '',
    subject: row.subject,
    summary: row.summary,
    ada: row.ada ?? '',
  };
}

/**
 * Reads and checks the decision form. A draft may lack number and category; publishing needs them.
 * `meetingDateLabel` is the date field's label: its error names it.
 */
export function parseDecisionForm(
  body: unknown,
  categories: ReadonlySet<string>,
  meetingDateLabel: string,
): { values: DecisionFormValues; input?: DecisionInput; errors: FormError[] } {
  const raw = formFields(body, DECISION_FIELDS);
  const values = {
    ...(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.trim()])) as Record<
      (typeof DECISION_FIELDS)[number],
      string
    >),
    meeting_date: readDateParts(body, 'meeting_date'),
  };
  const meetingDate = datePartsToIso(values.meeting_date);
  values.ada = values.ada.toUpperCase();
  const errors: FormError[] = [];
  // 1 to 999999: the database keeps numbers above 0 (a 0 was a 500).
  if (values.number && (!/^\d{1,6}$/.test(values.number) || Number(values.number) < 1))
    errors.push({ field: 'number', key: 'staff.decisions.errors.number' });
  if (!/^\d{4}$/.test(values.year) || Number(values.year) < 1990 || Number(values.year) > 2100)
    errors.push({ field: 'year', key: 'staff.decisions.errors.year' });
  if (meetingDate.problem)
    errors.push({
      field: 'meeting_date',
      key: dateProblemKey(meetingDate.problem),
      params: { field: meetingDateLabel },
    });
  if (values.category && !categories.has(values.category))
    errors.push({ field: 'category', key: 'staff.decisions.errors.category' });
  if (!values.subject)
    errors.push({ field: 'subject', key: 'staff.decisions.errors.subjectRequired' });
  else if (values.subject.length > 1000)
    errors.push({ field: 'subject', key: 'staff.decisions.errors.subjectTooLong' });
  if (values.summary.length > 20_000)
    errors.push({ field: 'summary', key: 'staff.decisions.errors.summaryTooLong' });
  if (values.ada && !ADA_PATTERN.test(values.ada))
    errors.push({ field: 'ada', key: 'staff.decisions.errors.adaFormat' });
  if (errors.length || !meetingDate.iso) return { values, errors };
  return { values, errors, input: toInput(values, meetingDate.iso) };
}

/** Checked values as the decision's fields: empty optional ones become null. */
function toInput(values: DecisionFormValues, meetingDate: string): DecisionInput {
  return {
    number: values.number ? Number(values.number) : null,
    year: Number(values.year),
    meeting_date: meetingDate,
    category_slug: values.category || null,
    subject: values.subject,
    summary: values.summary,
    ada: values.ada || null,
  };
}

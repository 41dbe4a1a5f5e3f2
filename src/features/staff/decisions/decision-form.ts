import { formFields } from '../../../lib/form.ts';

export const DECISION_FIELDS = [
  'number',
  'year',
  'meeting_date',
  'category',
  'subject',
  'summary',
  'ada',
] as const;
export type DecisionFormValues = Record<(typeof DECISION_FIELDS)[number], string>;

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
}

/** ADA: Greek capitals (or Latin look-alikes) and digits, a hyphen, three more (e.g. ΨΘ82ΩΡΦ-7ΑΙ). */
export const ADA_PATTERN = /^[Α-ΩA-Z0-9]{4,10}-[Α-ΩA-Z0-9]{3}$/;

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Reads and checks the decision form. A draft may lack number and category; publishing needs them. */
export function parseDecisionForm(
  body: unknown,
  categories: ReadonlySet<string>,
): { values: DecisionFormValues; input?: DecisionInput; errors: FormError[] } {
  const raw = formFields(body, DECISION_FIELDS);
  const values = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, v.trim()]),
  ) as DecisionFormValues;
  values.ada = values.ada.toUpperCase();
  const errors: FormError[] = [];
  if (values.number && !/^\d{1,6}$/.test(values.number))
    errors.push({ field: 'number', key: 'staff.decisions.errors.number' });
  if (!/^\d{4}$/.test(values.year) || Number(values.year) < 1990 || Number(values.year) > 2100)
    errors.push({ field: 'year', key: 'staff.decisions.errors.year' });
  if (!isDate(values.meeting_date))
    errors.push({ field: 'meeting_date', key: 'staff.decisions.errors.meetingDate' });
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
  if (errors.length) return { values, errors };
  return {
    values,
    errors,
    input: {
      number: values.number ? Number(values.number) : null,
      year: Number(values.year),
      meeting_date: values.meeting_date,
      category_slug: values.category || null,
      subject: values.subject,
      summary: values.summary,
      ada: values.ada || null,
    },
  };
}

import { athensDateTime } from '../../../lib/format.ts';
import {
  datePartsToIso,
  dateProblemKey,
  readDateParts,
  type DateParts,
} from '../../../lib/dates.ts';
import type { FieldError } from '../../../lib/errors.ts';
import type { Electorate, Poll } from '../polls.repository.ts';
import { OPTIONS_MAX, PHONE_OPTIONS_MAX } from '../polls.service.ts';

export const QUESTION_MAX = 300;
export const DESCRIPTION_MAX = 4000;
export const LABEL_MAX = 200;
export const SPOKEN_MAX = 60;
export const ELECTORATES: readonly Electorate[] = ['accounts', 'verified'];
/** The form's date fields (three boxes each): their errors link to the day box. */
export const DATE_FIELDS = ['opensAt', 'closesAt'] as const;

/** One row of the options' table, as typed. */
export interface OptionForm {
  labelEl: string;
  labelEn: string;
  spokenEl: string;
  spokenEn: string;
}

/** The poll form as typed (every value kept as text, to show again with its errors). */
export interface PollForm {
  questionEl: string;
  questionEn: string;
  descriptionEl: string;
  descriptionEn: string;
  opensAt: DateParts;
  opensAtTime: string;
  closesAt: DateParts;
  closesAtTime: string;
  electorate: string;
  byPhone: string;
  /** Always OPTIONS_MAX rows; empty ones are ignored. */
  options: OptionForm[];
}

/** A checked form: the poll's columns, its times on Athens' clock, and its options in order. */
export interface PollInput {
  question_el: string;
  question_en: string;
  description_el: string;
  description_en: string;
  electorate: Electorate;
  by_phone: boolean;
  /** Athens' calendar day and clock time ('2026-12-24', '09:00'), turned into instants by SQL. */
  opens: { date: string; time: string };
  closes: { date: string; time: string };
  options: {
    label_el: string;
    label_en: string;
    spoken_el: string | null;
    spoken_en: string | null;
  }[];
}

const OPTION_PARTS = ['labelEl', 'labelEn', 'spokenEl', 'spokenEn'] as const;

/** The name (and id) of an option row's field: `option3SpokenEn`. */
export const optionField = (row: number, part: (typeof OPTION_PARTS)[number]) =>
  `option${row}${part[0]!.toUpperCase()}${part.slice(1)}`;

const emptyOption = (): OptionForm => ({ labelEl: '', labelEn: '', spokenEl: '', spokenEn: '' });

/** A new poll's form: nothing typed yet, open to every account, web only. */
export function emptyPollForm(): PollForm {
  const noDate = { day: '', month: '', year: '' };
  return {
    questionEl: '',
    questionEn: '',
    descriptionEl: '',
    descriptionEn: '',
    opensAt: noDate,
    opensAtTime: '09:00',
    closesAt: noDate,
    closesAtTime: '21:00',
    electorate: 'accounts',
    byPhone: '',
    options: Array.from({ length: OPTIONS_MAX }, emptyOption),
  };
}

/** The form's fields from a posted body (anything but text reads as empty). */
export function readPollForm(body: unknown): PollForm {
  const source = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof source[name] === 'string' ? source[name] : '');
  return {
    questionEl: text('questionEl'),
    questionEn: text('questionEn'),
    descriptionEl: text('descriptionEl'),
    descriptionEn: text('descriptionEn'),
    opensAt: readDateParts(source, 'opensAt'),
    opensAtTime: text('opensAtTime').trim().slice(0, 10),
    closesAt: readDateParts(source, 'closesAt'),
    closesAtTime: text('closesAtTime').trim().slice(0, 10),
    electorate: text('electorate'),
    byPhone: text('byPhone'),
    options: Array.from({ length: OPTIONS_MAX }, (_, i) => ({
      labelEl: text(optionField(i + 1, 'labelEl')),
      labelEn: text(optionField(i + 1, 'labelEn')),
      spokenEl: text(optionField(i + 1, 'spokenEl')),
      spokenEn: text(optionField(i + 1, 'spokenEn')),
    })),
  };
}

/** An instant as the form's day boxes and time field show it, on Athens' clock. */
function athensFields(instant: Date): { date: DateParts; time: string } {
  const [date, time] = athensDateTime(instant).split(' ') as [string, string];
  const [year, month, day] = date.split('-') as [string, string, string];
  return { date: { day: String(Number(day)), month: String(Number(month)), year }, time };
}

/** A stored poll as the form shows it. */
export function formOfPoll(poll: Poll): PollForm {
  const opens = athensFields(poll.opens_at);
  const closes = athensFields(poll.closes_at);
  const options = poll.options.map((option) => ({
    labelEl: option.label_el,
    labelEn: option.label_en,
    spokenEl: option.spoken_el ?? '',
    spokenEn: option.spoken_en ?? '',
  }));
  return {
    questionEl: poll.question_el,
    questionEn: poll.question_en,
    descriptionEl: poll.description_el,
    descriptionEn: poll.description_en,
    opensAt: opens.date,
    opensAtTime: opens.time,
    closesAt: closes.date,
    closesAtTime: closes.time,
    electorate: poll.electorate,
    byPhone: poll.by_phone ? 'yes' : '',
    options: [...options, ...Array.from({ length: OPTIONS_MAX - options.length }, emptyOption)],
  };
}

/** 'HH:MM' (or 'H:MM', 'HH.MM') on a 24-hour clock, as 'HH:MM'; undefined otherwise. */
export function parseTime(value: string): string | undefined {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

/** Characters as the database counts them (code points, not UTF-16 units). */
const length = (value: string) => [...value].length;

/**
 * Control characters an editor may have pasted without seeing them: never in a line of text
 * (a question, a label; one in a label broke the public chart's SVG), and in a text of several
 * lines (a description, the reason for closing early) all but tab, carriage return and newline.
 */
// eslint-disable-next-line no-control-regex -- these characters are what it looks for
const LINE_CONTROLS = /[\u0000-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- these characters are what it looks for
const TEXT_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Whether a text holds a control character it may not (`multiline`: tab, CR and LF are fine). */
export const hasControlCharacters = (value: string, multiline = false) =>
  (multiline ? TEXT_CONTROLS : LINE_CONTROLS).test(value);

/** The years a poll may open or close in: from last year to five years on (a typo otherwise). */
export function yearsAllowed(thisYear: number): { min: number; max: number } {
  return { min: thisYear - 1, max: thisYear + 5 };
}

type AddError = (field: string, key: string, params?: Record<string, unknown>) => void;

/**
 * Checks what the form can say on its own (the times' order and whether a time exists on Athens'
 * clock need the database's time zone rules; the service checks them): each problem at its field,
 * under polls.staff.errors, in the order the fields stand on the page. `dateLabels` name the date
 * fields in their messages; `thisYear` (Athens') bounds the years.
 */
export function checkPollForm(
  form: PollForm,
  dateLabels: Record<(typeof DATE_FIELDS)[number], string>,
  thisYear: number,
): { input?: PollInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const error: AddError = (field, key, params) =>
    errors.push({
      field,
      key: key.startsWith('errors.') ? key : `polls.staff.errors.${key}`,
      params,
    });
  const text = (
    field: keyof PollForm,
    max: number,
    rule: { required?: string; multiline?: boolean },
  ) => {
    const value = (form[field] as string).trim();
    if (!value && rule.required) error(field, rule.required);
    else if (hasControlCharacters(value, rule.multiline)) error(field, 'controlCharacters');
    else if (length(value) > max) error(field, 'tooLong', { max });
    return value;
  };
  const question_el = text('questionEl', QUESTION_MAX, { required: 'questionElRequired' });
  const question_en = text('questionEn', QUESTION_MAX, { required: 'questionEnRequired' });
  const description_el = text('descriptionEl', DESCRIPTION_MAX, { multiline: true });
  const description_en = text('descriptionEn', DESCRIPTION_MAX, { multiline: true });
  const years = yearsAllowed(thisYear);
  const moment = (field: (typeof DATE_FIELDS)[number]) => {
    const date = datePartsToIso(form[field]);
    const year = Number(date.iso?.slice(0, 4));
    if (date.problem) error(field, dateProblemKey(date.problem), { field: dateLabels[field] });
    else if (year < years.min || year > years.max)
      error(field, 'yearOutOfRange', { field: dateLabels[field], ...years });
    const time = parseTime(form[`${field}Time`]);
    if (!time) error(`${field}Time`, 'time');
    return date.iso && !errors.some((e) => e.field === field) && time
      ? { date: date.iso, time }
      : undefined;
  };
  const opens = moment('opensAt');
  const closes = moment('closesAt');
  if (!(ELECTORATES as readonly string[]).includes(form.electorate))
    error('electorate', 'electorate');
  const byPhone = form.byPhone === 'yes';
  const options = checkOptions(form.options, byPhone, error);
  if (errors.length || !opens || !closes) return { errors };
  return {
    errors,
    input: {
      question_el,
      question_en,
      description_el,
      description_en,
      electorate: form.electorate as Electorate,
      by_phone: byPhone,
      opens,
      closes,
      options,
    },
  };
}

/**
 * The filled rows as options, in order. The options' own problem (too few, too many for the
 * phone) comes first, as its message stands above the rows; then each row's, at its field. Over
 * the phone's limit, the missing spoken texts are not listed one by one: fewer options, or no
 * phone, is the fix, and each would only repeat it.
 */
function checkOptions(
  rows: readonly OptionForm[],
  byPhone: boolean,
  error: AddError,
): PollInput['options'] {
  const filled = rows
    .map((row, i) => ({
      n: i + 1,
      values: Object.fromEntries(OPTION_PARTS.map((part) => [part, row[part].trim()])) as Record<
        (typeof OPTION_PARTS)[number],
        string
      >,
    }))
    .filter(({ values }) => OPTION_PARTS.some((part) => values[part]));
  const overPhoneLimit = byPhone && filled.length > PHONE_OPTIONS_MAX;
  if (filled.length < 2) error('options', 'tooFewOptions');
  else if (overPhoneLimit) error('options', 'tooManyForPhone', { max: PHONE_OPTIONS_MAX });
  const spokenRequired = byPhone && !overPhoneLimit;
  for (const { n, values } of filled) {
    for (const part of OPTION_PARTS) {
      const field = optionField(n, part);
      const spoken = part.startsWith('spoken');
      const max = spoken ? SPOKEN_MAX : LABEL_MAX;
      if (!values[part]) {
        if (!spoken || spokenRequired) error(field, `${part}Required`, { n });
      } else if (hasControlCharacters(values[part])) error(field, 'optionControlCharacters', { n });
      else if (length(values[part]) > max) error(field, 'optionTooLong', { n, max });
    }
  }
  return filled.map(({ values }) => ({
    label_el: values.labelEl,
    label_en: values.labelEn,
    spoken_el: values.spokenEl || null,
    spoken_en: values.spokenEn || null,
  }));
}

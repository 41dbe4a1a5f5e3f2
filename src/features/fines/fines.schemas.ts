import { z } from 'zod';
import { isValidAfm } from '../../lib/afm.ts';
import { fields } from '../../lib/forms.ts';

const trimmed = () => z.string('errors.field.invalid').transform((value) => value.trim());

/** The look-up: both as printed on the notice; spaces inside a notice number are dropped. */
export const lookupSchema = z.object({
  noticeNumber: trimmed().pipe(
    z
      .string()
      .min(1, 'fines.lookup.errors.noticeRequired')
      .max(40, 'fines.lookup.errors.noticeRequired')
      .transform((value) => value.replace(/\s+/g, '')),
  ),
  plate: trimmed().pipe(
    z.string().min(1, 'fines.lookup.errors.plateRequired').max(20, 'errors.field.tooLong'),
  ),
});

export const OBJECTION_TEXT_MAX = 5000;

/**
 * The objection: every field is checked at once (an object's refinements would wait for its
 * fields), so a driver sees each problem together.
 */
export const objectionSchema = z
  .object({
    capacity: z.string().optional(),
    declaration: z.string().optional(),
    driverAfm: z.string().optional(),
    text: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (value.capacity !== 'owner' && value.capacity !== 'driver')
      problem('capacity', 'fines.objection.errors.capacity');
    if (value.capacity === 'driver') {
      const afm = (value.driverAfm ?? '').trim();
      if (!afm) problem('driverAfm', 'fines.objection.errors.afmRequired');
      else if (!isValidAfm(afm)) problem('driverAfm', 'fines.objection.errors.afm');
      if (value.declaration !== 'yes') problem('declaration', 'fines.objection.errors.declaration');
    }
    const text = (value.text ?? '').trim();
    if (!text) problem('text', 'fines.objection.errors.text');
    else if (text.length > OBJECTION_TEXT_MAX)
      problem('text', 'fines.objection.errors.textTooLong');
  })
  .transform((value) => ({
    capacity: value.capacity as 'owner' | 'driver',
    driverAfm: value.capacity === 'driver' ? (value.driverAfm ?? '').trim() : null,
    text: (value.text ?? '').trim(),
  }));

export const decisionSchema = z.object({
  outcome: z.enum(['accepted', 'rejected'], 'fines.staff.errors.outcome'),
  reason: trimmed().pipe(
    z.string().min(1, 'fines.staff.errors.reason').max(5000, 'errors.field.tooLong'),
  ),
});

const wholeNumber = (min: number, max: number, key: string) =>
  trimmed().pipe(
    z
      .string()
      .regex(/^\d{1,3}$/, key)
      .transform(Number)
      .pipe(z.number().min(min, key).max(max, key)),
  );

export const ruleSchema = z.object({
  effectiveFrom: fields.dateParts(),
  reductionPercent: wholeNumber(0, 100, 'fines.rules.errors.percent'),
  reductionDays: wholeNumber(0, 365, 'fines.rules.errors.reductionDays'),
  objectionDays: wholeNumber(1, 365, 'fines.rules.errors.objectionDays'),
  note: trimmed().pipe(z.string().max(500, 'errors.field.tooLong')),
});

export type RuleInput = z.infer<typeof ruleSchema>;

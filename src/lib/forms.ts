import { z } from 'zod';
import { isValidAfm } from './afm.ts';
import { isRealDate, parseIsoDate } from './dates.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { toE164 } from './phone.ts';

/**
 * Forms and API bodies read through zod: `parseForm(schema, body)` gives the data or one error
 * per field (the first), each a string key the page shows beside the field in its language.
 * A schema's messages are string keys ('errors.field.afm'); the shared field schemas below say
 * what is wrong in the keys of `errors.field.*` (site module's strings), so every module speaks
 * of a bad date or AFM the same way.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, key: KEY.test(issue.message) ? issue.message : 'errors.field.invalid' });
  }
  return { ok: false, errors };
}

/** As parseForm, but throws a ValidationError (400) instead of returning the errors. */
export function parseOrThrow<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = parseForm(schema, body);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  return parsed.data;
}

/** A message that is a string key, not zod's own English. */
const KEY = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_-]+)+$/;

/** A form value as text: anything else (an array, a number from JSON) is refused as invalid. */
const text = () => z.string('errors.field.invalid').transform((value) => value.trim());

export const fields = {
  /** Required text of at most `max` characters. */
  text: (max: number) =>
    text().pipe(z.string().min(1, 'errors.field.required').max(max, 'errors.field.tooLong')),

  /** A calendar day as YYYY-MM-DD that exists (2026-02-31 does not). */
  date: () =>
    text().pipe(
      z
        .string()
        .min(1, 'errors.field.required')
        .transform((value, ctx) => {
          const day = parseIsoDate(value);
          if (!day) {
            ctx.addIssue({ code: 'custom', message: 'errors.field.date' });
            return z.NEVER;
          }
          return day;
        }),
    ),

  /** A date from GOV.UK's three boxes: { day, month, year } as strings. */
  dateParts: () =>
    z
      .object({ day: z.string(), month: z.string(), year: z.string() }, 'errors.field.date')
      .transform((parts, ctx) => {
        const [day, month, year] = [parts.day, parts.month, parts.year].map((p) => p.trim());
        if (!day || !month || !year) {
          ctx.addIssue({ code: 'custom', message: 'errors.field.dateIncomplete' });
          return z.NEVER;
        }
        const numbers = [year, month, day].map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
        if (!isRealDate(numbers[0]!, numbers[1]!, numbers[2]!)) {
          ctx.addIssue({ code: 'custom', message: 'errors.field.date' });
          return z.NEVER;
        }
        return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
      }),

  /** A Greek tax number (ΑΦΜ) with a valid check digit. */
  afm: () =>
    text().pipe(
      z
        .string()
        .min(1, 'errors.field.required')
        .refine((value) => isValidAfm(value), 'errors.field.afm'),
    ),

  /** A phone number, Greek unless it says otherwise, as E.164 (+302841…). */
  phone: () =>
    text().pipe(
      z
        .string()
        .min(1, 'errors.field.required')
        .max(40, 'errors.field.phone')
        .transform((value, ctx) => {
          const e164 = toE164(value);
          if (!e164) {
            ctx.addIssue({ code: 'custom', message: 'errors.field.phone' });
            return z.NEVER;
          }
          return e164;
        }),
    ),

  /** Lower-case Latin letters, digits and single hyphens, as in a URL: 'epidoma-enoikiou'. */
  slug: () =>
    text().pipe(
      z
        .string()
        .min(1, 'errors.field.required')
        .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'errors.field.slug')
        .max(100, 'errors.field.tooLong'),
    ),

  /** An amount in euros as people type it ('12,50', '12.50', '1.234,50 €') → cents (1250). */
  amountCents: () =>
    text().pipe(
      z
        .string()
        .min(1, 'errors.field.required')
        .transform((value, ctx) => {
          const cents = parseEuroCents(value);
          if (cents === undefined) {
            ctx.addIssue({ code: 'custom', message: 'errors.field.amount' });
            return z.NEVER;
          }
          return cents;
        }),
    ),
};

/** '1.234,50 €' or '1234.50' → 123450; undefined for anything that is not an amount. */
export function parseEuroCents(input: string): number | undefined {
  const value = input.replace(/€|\s|EUR/gi, '');
  // A comma is the decimal mark (Greek usage) and dots group thousands; a lone dot with one or
  // two digits after it is read as the decimal mark too ('12.50').
  let normalised: string;
  if (value.includes(',')) {
    if (!/^\d{1,3}(\.\d{3})*,\d{1,2}$|^\d+,\d{1,2}$/.test(value)) return undefined;
    normalised = value.replace(/\./g, '').replace(',', '.');
  } else if (/^\d+\.\d{1,2}$/.test(value)) normalised = value;
  else if (/^\d{1,3}(\.\d{3})+$/.test(value)) normalised = value.replace(/\./g, '');
  else if (/^\d+$/.test(value)) normalised = value;
  else return undefined;
  const [whole = '0', fraction = ''] = normalised.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(cents) && cents <= 100_000_000_00 ? cents : undefined;
}

import { z } from 'zod';
import { CATEGORY_GROUPS } from '../categories.repository.ts';

const ERR = 'requests.settings.errors';

/** A form value as trimmed text: anything else (an array) is refused. */
const trimmed = () => z.string('errors.field.invalid').transform((value) => value.trim());

/** Required text of at most 200 characters; each message names its field (`nameEl`, `nameEn`). */
const name = (field: 'nameEl' | 'nameEn') =>
  trimmed().pipe(z.string().min(1, `${ERR}.${field}Required`).max(200, `${ERR}.${field}TooLong`));

/** As the database checks it: lower-case Latin letters, digits and hyphens, at most 60. */
const slug = () =>
  trimmed().pipe(
    z
      .string()
      .min(1, `${ERR}.slugRequired`)
      .max(60, `${ERR}.slugLength`)
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${ERR}.slugFormat`),
  );

/** A whole number from `min` to `max`, typed as digits. */
const wholeNumber = (min: number, max: number, key: string) =>
  trimmed().pipe(
    z
      .string()
      .min(1, key)
      .regex(/^\d{1,6}$/, key)
      .transform(Number)
      .refine((n) => n >= min && n <= max, key),
  );

/** A checkbox: ticked sends 'yes'; unticked sends nothing (read as ''). */
const checkbox = () => z.string('errors.field.invalid').transform((value) => value === 'yes');

export const departmentSchema = z.object({
  nameEl: name('nameEl'),
  nameEn: name('nameEn'),
  slug: slug(),
  email: trimmed()
    .pipe(z.string().max(254, `${ERR}.email`))
    .pipe(z.union([z.literal(''), z.email(`${ERR}.email`)], `${ERR}.email`))
    .transform((value) => (value ? value.toLowerCase() : null)),
});
export type DepartmentInput = z.infer<typeof departmentSchema>;

export const categorySchema = z.object({
  nameEl: name('nameEl'),
  nameEn: name('nameEn'),
  slug: slug(),
  group: z.enum(CATEGORY_GROUPS, `${ERR}.group`),
  department: trimmed().pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,8}$/, `${ERR}.department`)
      .transform(Number),
  ),
  deadlineDays: wholeNumber(1, 365, `${ERR}.deadlineDays`),
  mayBePublic: checkbox(),
  // Radios, one always chosen in a browser; none sent (a script's form) is the column's default.
  publicLocation: z
    .enum(['', 'exact', 'street'], `${ERR}.publicLocation`)
    .transform((value) => value || 'exact'),
  active: checkbox(),
  position: wholeNumber(0, 9999, `${ERR}.position`),
});
export type CategoryInput = z.infer<typeof categorySchema>;

export const handlerSchema = z.object({
  user: trimmed().pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,8}$/, `${ERR}.handler`)
      .transform(Number),
  ),
});

/** How a handler hears of a department's new requests. */
export const NOTIFY_CHOICES = ['each', 'digest'] as const;
export const notifyChoice = z.enum(NOTIFY_CHOICES, 'requests.preferences.errors.choice');

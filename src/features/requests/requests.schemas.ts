import { z } from 'zod';

/** A coordinate as people type or a map fills it ('35,19' or '35.19'); empty: none. */
const coordinate = (min: number, max: number, key: string) =>
  z
    .string('errors.field.invalid')
    .transform((value) => value.trim().replace(',', '.'))
    .transform((value, ctx) => {
      if (value === '') return null;
      const number = /^-?\d{1,3}(\.\d{1,10})?$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(number) || number < min || number > max) {
        ctx.addIssue({ code: 'custom', message: key });
        return z.NEVER;
      }
      return number;
    });

/** An address or a description of the place, at most 200 characters; '' when none is given. */
export const addressField = z
  .string('errors.field.invalid')
  .transform((value) => value.trim())
  .pipe(z.string().max(200, 'errors.field.tooLong'));

export const latitudeField = coordinate(-90, 90, 'requests.errors.lat');
export const longitudeField = coordinate(-180, 180, 'requests.errors.lng');

/** Latitude and longitude come together or not at all: the message goes to the one missing. */
export function bothCoordinatesOrNeither(
  value: { lat: number | null; lng: number | null },
  ctx: z.RefinementCtx,
): void {
  if ((value.lat === null) !== (value.lng === null))
    ctx.addIssue({
      code: 'custom',
      path: [value.lat === null ? 'lat' : 'lng'],
      message: 'requests.errors.bothCoordinates',
    });
}

/** A request's title: a few words, 1 to 120 characters (the citizen's, or the handler's for a phone request). */
export const titleField = z
  .string('errors.field.invalid')
  .transform((value) => value.trim())
  .pipe(z.string().min(1, 'requests.errors.title').max(120, 'requests.errors.titleTooLong'));

/** Step 1: where (an address or a description of the place, and/or a point) and what about. */
export const locationSchema = z
  .object({
    address: addressField,
    lat: latitudeField,
    lng: longitudeField,
    category: z
      .string('requests.errors.category')
      .regex(/^[1-9]\d{0,8}$/, 'requests.errors.category')
      .transform(Number),
  })
  .superRefine((value, ctx) => {
    bothCoordinatesOrNeither(value, ctx);
    if (!value.address && value.lat === null && value.lng === null)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'requests.errors.where' });
  });

/** Step 3: what kind, a title and the description; whether the public list may name the citizen. */
export const detailsSchema = z.object({
  kind: z.enum(['request', 'complaint'], 'requests.errors.kind'),
  title: titleField,
  description: z
    .string('errors.field.invalid')
    .transform((value) => value.trim())
    .pipe(
      z
        .string()
        .min(1, 'requests.errors.description')
        .max(4000, 'requests.errors.descriptionTooLong'),
    ),
  /** A checkbox, off unless ticked ('yes'); absent is ''. */
  showName: z.string('errors.field.invalid').transform((value) => value === 'yes'),
});

import { z } from 'zod';
import { fields } from '../../../lib/forms.ts';
import {
  addressField,
  bothCoordinatesOrNeither,
  latitudeField,
  longitudeField,
  titleField,
} from '../requests.schemas.ts';

/** The statuses a handler may set by hand (merged comes only from merging). */
export const SETTABLE_STATUSES = [
  'submitted',
  'assigned',
  'in_progress',
  'answered',
  'closed',
] as const;

/** Optional text of at most `max` characters: empty is none. */
const optionalText = (max: number) =>
  z
    .string('errors.field.invalid')
    .transform((value) => value.trim())
    .pipe(z.string().max(max, 'errors.field.tooLong'))
    .transform((value) => value || null);

const id = (key: string) =>
  z
    .string(key)
    .regex(/^[1-9]\d{0,8}$/, key)
    .transform(Number);

export const assignSchema = z.object({ assignee: id('requests.staff.errors.assignee') });

export const statusSchema = z.object({
  status: z.enum(SETTABLE_STATUSES, 'requests.staff.errors.status'),
  publicNote: fields.text(4000),
  internalNote: optionalText(4000),
});

export const answerSchema = z.object({ answer: fields.text(4000) });

export const mergeSchema = z.object({
  target: fields.text(40),
  mergeNote: optionalText(4000),
});

export const moveSchema = z.object({
  category: id('requests.staff.errors.category'),
  moveNote: optionalText(4000),
});

export const photoSchema = z.object({
  photo: z
    .string('errors.field.invalid')
    .regex(/^[1-9]\d{0,17}$/, 'errors.field.invalid')
    .transform(Number),
});

export const visibilitySchema = z.object({
  public: z.enum(['yes', 'no'], 'errors.field.invalid').transform((value) => value === 'yes'),
});

/**
 * The title and the place a handler gives a request (a phone one has neither): the title as the
 * citizen's form checks it; the address, and the point (both coordinates or neither), optional.
 */
export const titlePlaceSchema = z
  .object({
    title: titleField,
    address: addressField.transform((value) => value || null),
    lat: latitudeField,
    lng: longitudeField,
  })
  .superRefine(bothCoordinatesOrNeither);

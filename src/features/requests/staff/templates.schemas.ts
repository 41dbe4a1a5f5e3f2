import { z } from 'zod';

const E = 'requests.templates.errors';

/** A form value as trimmed text (anything else is refused). */
const text = () => z.string('errors.field.invalid').transform((value) => value.trim());

const required = (max: number, missing: string, tooLong: string) =>
  text().pipe(z.string().min(1, missing).max(max, tooLong));

/** Empty is none (the Greek text stands in for it). */
const optional = (max: number, tooLong: string) =>
  text()
    .pipe(z.string().max(max, tooLong))
    .transform((value) => value || null);

/** A reply template's form: '' as the category is "every category". */
export const templateSchema = z.object({
  category: text()
    .pipe(z.string().regex(/^(|[1-9]\d{0,8})$/, `${E}.category`))
    .transform((value) => (value ? Number(value) : null)),
  titleEl: required(120, `${E}.titleEl`, `${E}.titleTooLong`),
  titleEn: optional(120, `${E}.titleTooLong`),
  bodyEl: required(4000, `${E}.bodyEl`, `${E}.bodyTooLong`),
  bodyEn: optional(4000, `${E}.bodyTooLong`),
  position: text()
    .pipe(z.string().regex(/^(|\d{1,3})$/, `${E}.position`))
    .transform((value) => (value ? Number(value) : 0)),
});

export const TEMPLATE_FIELDS = [
  'category',
  'titleEl',
  'titleEn',
  'bodyEl',
  'bodyEn',
  'position',
] as const;

export type TemplateForm = z.infer<typeof templateSchema>;

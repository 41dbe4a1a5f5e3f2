import { z } from 'zod';
import { toE164 } from '../../lib/phone.ts';

/** Field errors carry i18n keys; the controller turns them into text in the page's language. */
export interface FieldError {
  field: string;
  key: string;
  params?: Record<string, unknown>;
}

/** Trimmed text of at most `max` characters; past that, `tooLong` is the field's message. */
const text = (max: number, tooLong: string) => z.string().trim().max(max, tooLong);

/** What a username may be (the users table's CHECK says the same). */
const USERNAME = /^[A-Za-z0-9._-]{3,32}$/;

export const registrationSchema = z.object({
  fullName: text(200, 'accounts.errors.fullNameTooLong')
    .min(1, 'accounts.errors.fullNameRequired')
    .refine((v) => /\p{L}/u.test(v), 'accounts.errors.fullNameRequired'),
  username: text(32, 'accounts.errors.usernameFormat')
    .min(1, 'accounts.errors.usernameRequired')
    .regex(USERNAME, 'accounts.errors.usernameFormat'),
  password: z
    .string()
    .min(1, 'accounts.errors.passwordRequired')
    .max(256, 'accounts.errors.passwordTooLong'),
  passwordConfirm: z.string().max(256),
  email: text(254, 'accounts.errors.emailTooLong')
    .min(1, 'accounts.errors.emailRequired')
    .pipe(z.email('accounts.errors.emailFormat')),
  phone: text(40, 'accounts.errors.phoneFormat')
    .min(1, 'accounts.errors.phoneRequired')
    .transform((value, ctx) => {
      const e164 = toE164(value);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: 'accounts.errors.phoneFormat' });
        return z.NEVER;
      }
      return e164;
    }),
  privacy: z.literal('yes', 'accounts.errors.privacyRequired'),
});

export type RegistrationInput = z.infer<typeof registrationSchema>;

export const emailSchema = text(254, 'accounts.errors.emailTooLong')
  .min(1, 'accounts.errors.emailRequired')
  .pipe(z.email('accounts.errors.emailFormat'));
export const phoneSchema = registrationSchema.shape.phone;

/** Runs a zod schema and returns either the data or one error per field (the first). */
export function validate<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { data: T; errors: [] } | { data?: undefined; errors: FieldError[] } {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data, errors: [] };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({
      field,
      key: issue.message.startsWith('accounts.')
        ? issue.message
        : `accounts.errors.${field}Invalid`,
    });
  }
  return { errors };
}

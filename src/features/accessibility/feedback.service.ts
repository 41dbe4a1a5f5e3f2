import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { parseForm } from '../../lib/forms.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import { hitRateLimit, type RateLimitRule } from '../../lib/rate-limit.ts';
import { insertFeedback } from './feedback.repository.ts';

/** The form's fields, in the order it shows them (the error summary follows it). */
export const FEEDBACK_FIELDS = ['where', 'what', 'name', 'email'] as const;
export type FeedbackForm = Record<(typeof FEEDBACK_FIELDS)[number], string>;

export const WHAT_MAX = 2000;

/** Reports per address: enough for a person with several problems, too few to flood the staff. */
export const FEEDBACK_LIMIT: RateLimitRule = {
  name: 'accessibility-feedback:ip',
  limit: 5,
  windowSeconds: 60 * 60,
};

const k = (error: string) => `accessibility.feedback.errors.${error}`;
/** Windows' line ends as one character, so the limit is what the person sees as characters. */
const text = () => z.string().transform((value) => value.replace(/\r\n?/g, '\n').trim());
const optional = (max: number, error: string) =>
  text().pipe(
    z
      .string()
      .max(max, k(error))
      .transform((value) => value || null),
  );

const feedbackSchema = z.object({
  where: optional(500, 'whereTooLong'),
  what: text().pipe(z.string().min(1, k('whatRequired')).max(WHAT_MAX, k('whatTooLong'))),
  name: optional(200, 'nameTooLong'),
  email: text().pipe(
    z
      .string()
      .max(254, k('email'))
      .refine((value) => value === '' || z.email().safeParse(value).success, k('email'))
      .transform((value) => value || null),
  ),
});

export type FeedbackResult =
  { ok: true; id: number } | { ok: false; errors: FieldError[]; status: 400 | 429 };

/**
 * A visitor's report of an accessibility problem: checked, counted against the address's limit,
 * stored and mailed to the municipality's contact address in one transaction (the mail leaves
 * only if the report is stored), so it reaches the staff who answer it.
 */
export async function sendFeedback(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer' | 'config'>,
  form: FeedbackForm,
  lang: Lang,
  address: string,
): Promise<FeedbackResult> {
  const parsed = parseForm(feedbackSchema, form);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, status: 400 };
  if (!(await hitRateLimit(deps.db, deps.clock, FEEDBACK_LIMIT, address)))
    return { ok: false, errors: [{ field: 'what', key: k('tooMany') }], status: 429 };
  const { where, what, name, email } = parsed.data;
  const now = deps.clock.now();
  const row = await deps.db.transaction(async (trx) => {
    const stored = await insertFeedback(trx, { page: where, what, name, email, lang }, now);
    await deps.mailer.send(
      'accessibility-feedback',
      { email: deps.config.CONTACT_EMAIL, lang: 'el' },
      {
        id: stored.id,
        where: where ?? '',
        what,
        name: name ?? '',
        email: email ?? '',
        // The language the visitor wrote in, so the answer is in it too.
        visitorLang: lang,
        receivedAt: formatDateTime(now, 'el'),
        path: '/staff/accessibility-feedback',
      },
      trx,
    );
    return stored;
  });
  return { ok: true, id: row.id };
}

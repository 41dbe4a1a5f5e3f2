import type { Request } from 'express';

export interface FieldErrorLike {
  field: string;
  key: string;
  params?: Record<string, unknown>;
}

/** Error summary entries ({ href, text }) and a message per field, in the page's language. */
export function presentErrors(req: Request, errors: readonly FieldErrorLike[]) {
  const summary = errors.map((e) => ({ href: `#${e.field}`, text: req.t(e.key, e.params) }));
  const fieldErrors: Record<string, string> = Object.fromEntries(
    errors.map((e, i) => [e.field, summary[i]!.text]),
  );
  return { errors: summary, fieldErrors };
}

/** The named form fields as trimmed-free strings (anything else, e.g. arrays, becomes ''). */
export function formFields<K extends string>(
  body: unknown,
  names: readonly K[],
): Record<K, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    names.map((name) => [name, typeof source[name] === 'string' ? source[name] : '']),
  ) as Record<K, string>;
}

/** A local path to return to after sign-in; never another site. */
export function safeReturnPath(value: unknown): string | undefined {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  )
    return undefined;
  return value.length > 500 ? undefined : value;
}

import type { Request } from 'express';
import { presentErrors, type FieldErrorLike } from '../../lib/form.ts';

/**
 * The error summary and each field's message. A date's summary entry links to its day box, as
 * GOV.UK's date input asks (the message itself sits on the whole group).
 */
export function presentFormErrors(
  req: Request,
  errors: readonly FieldErrorLike[],
  dateFields: readonly string[] = [],
) {
  const presented = presentErrors(req, errors);
  return {
    ...presented,
    errors: presented.errors.map((entry, i) =>
      dateFields.includes(errors[i]!.field)
        ? { ...entry, href: `#${errors[i]!.field}-day` }
        : entry,
    ),
  };
}

import { formFields } from '../../../lib/form.ts';
import { emailSchema, phoneSchema, validate } from '../../accounts/accounts.schemas.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { presentedDocumentErrors, type PresentedDocument } from './contact-correction.service.ts';

export const CONTACT_FIELDS = [
  'phone',
  'email',
  'contactDocumentType',
  'contactDocumentNumber',
] as const;

export interface ContactForm {
  values: Record<(typeof CONTACT_FIELDS)[number], string>;
  change: { phone?: string; email?: string };
  document: PresentedDocument;
  errors: FormError[];
}

/** The record's contact form: a new phone, a new email or both, and the document shown. */
export function readContactForm(body: unknown): ContactForm {
  const values = formFields(body, CONTACT_FIELDS);
  const errors: FormError[] = [];
  const change: { phone?: string; email?: string } = {};
  if (values.phone.trim()) {
    const parsed = validate(phoneSchema, values.phone);
    if (parsed.data) change.phone = parsed.data;
    else
      errors.push({ field: 'phone', key: parsed.errors[0]?.key ?? 'accounts.errors.phoneFormat' });
  }
  if (values.email.trim()) {
    const parsed = validate(emailSchema, values.email);
    if (parsed.data) change.email = parsed.data;
    else
      errors.push({ field: 'email', key: parsed.errors[0]?.key ?? 'accounts.errors.emailFormat' });
  }
  if (!change.phone && !change.email && !errors.length)
    errors.push({ field: 'phone', key: 'staff.counter.errors.nothingToChange' });
  const document = { type: values.contactDocumentType, number: values.contactDocumentNumber };
  errors.push(...presentedDocumentErrors(document));
  return { values, change, document, errors };
}

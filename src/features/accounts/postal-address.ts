import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { parseForm } from '../../lib/forms.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { updateUser, type UserRow } from './users.repository.ts';

export interface PostalAddress {
  street: string;
  number: string | null;
  postcode: string;
  city: string;
}

const part = (max: number, message: string) =>
  z
    .string('errors.field.invalid')
    .trim()
    .max(max, 'errors.field.tooLong')
    .refine((v) => v === '' || /\p{L}|\d/u.test(v), message);

const schema = z
  .object({
    street: part(100, 'accounts.errors.addressStreet'),
    number: part(10, 'accounts.errors.addressNumber'),
    postcode: z
      .string('errors.field.invalid')
      .trim()
      .transform((v) => v.replace(/\s+/g, '')),
    city: part(60, 'accounts.errors.addressCity'),
  })
  .superRefine((value, ctx) => {
    // All empty: no address. Otherwise street, postcode and city are needed (a number may be missing).
    if (!value.street && !value.number && !value.postcode && !value.city) return;
    if (!value.street)
      ctx.addIssue({ code: 'custom', path: ['street'], message: 'accounts.errors.addressStreet' });
    if (!/^\d{5}$/.test(value.postcode))
      ctx.addIssue({
        code: 'custom',
        path: ['postcode'],
        message: 'accounts.errors.addressPostcode',
      });
    if (!value.city)
      ctx.addIssue({ code: 'custom', path: ['city'], message: 'accounts.errors.addressCity' });
  });

/** The address form: an address, null (all fields left empty: remove it), or the fields' errors. */
export function readPostalAddress(
  body: unknown,
): { ok: true; address: PostalAddress | null } | { ok: false; errors: FieldError[] } {
  const source = (body ?? {}) as Record<string, unknown>;
  const parsed = parseForm(schema, {
    street: source.street ?? '',
    number: source.number ?? '',
    postcode: source.postcode ?? '',
    city: source.city ?? '',
  });
  if (!parsed.ok) return parsed;
  const { street, number, postcode, city } = parsed.data;
  if (!street && !postcode && !city) return { ok: true, address: null };
  return { ok: true, address: { street, number: number || null, postcode, city } };
}

export function postalAddressOf(user: UserRow): PostalAddress | null {
  if (!user.address_street || !user.address_postcode || !user.address_city) return null;
  return {
    street: user.address_street,
    number: user.address_number,
    postcode: user.address_postcode,
    city: user.address_city,
  };
}

/** One line, as an envelope reads: 'Κουντουριώτου 10, 72100 Άγιος Νικόλαος'. */
export function formatPostalAddress(address: PostalAddress): string {
  const street = address.number ? `${address.street} ${address.number}` : address.street;
  return `${street}, ${address.postcode} ${address.city}`;
}

export async function changePostalAddress(
  deps: Pick<Deps, 'db'>,
  user: UserRow,
  address: PostalAddress | null,
  context: AuditContext,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await updateUser(trx, user.id, {
      address_street: address?.street ?? null,
      address_number: address?.number ?? null,
      address_postcode: address?.postcode ?? null,
      address_city: address?.city ?? null,
    });
    // Where the citizen lives is personal: the log says that it changed, not what it says.
    await recordAudit(
      trx,
      { action: 'account.address_changed', userId: user.id, details: { removed: !address } },
      context,
    );
  });
}

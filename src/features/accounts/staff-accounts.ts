import type { Db } from '../../db/knex.ts';
import { hashSecret, MIN_STAFF_PASSWORD_LENGTH, passwordProblem } from '../../lib/passwords.ts';
import { toE164 } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { MODULES } from '../index.ts';
import { rolesOf } from '../registry.ts';
import {
  emailTaken,
  insertUser,
  usernameTaken,
  type Role,
  type UserRow,
} from './users.repository.ts';

export class StaffAccountError extends Error {}

/** An active staff account (used by the command line; the admin screens build on it). */
export async function createStaffAccount(
  db: Db,
  input: {
    roles: string[];
    username: string;
    email: string;
    fullName: string;
    phone?: string;
    password: string;
  },
): Promise<UserRow> {
  const roles = [...new Set(input.roles)];
  const known = rolesOf(MODULES).map((role) => role.name);
  if (!roles.length || roles.some((role) => !known.includes(role)))
    throw new StaffAccountError(`--role must be one or more of: ${known.join(', ')}`);
  if (!/^[A-Za-z0-9._-]{3,32}$/.test(input.username))
    throw new StaffAccountError('--username must be 3 to 32 of letters, digits, ".", "_", "-"');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    throw new StaffAccountError('--email is not an email address');
  const phone = input.phone ? toE164(input.phone) : null;
  if (input.phone && !phone) throw new StaffAccountError('--phone is not a valid phone number');
  const problem = passwordProblem(input.password, input.username, MIN_STAFF_PASSWORD_LENGTH);
  if (problem)
    throw new StaffAccountError(
      `password refused (${problem}): staff passwords need at least ${MIN_STAFF_PASSWORD_LENGTH} characters and must not be common`,
    );
  if (await usernameTaken(db, input.username))
    throw new StaffAccountError('that username is taken');
  if (await emailTaken(db, input.email)) throw new StaffAccountError('that email is taken');
  const user = await insertUser(db, {
    username: input.username,
    full_name: input.fullName,
    email: input.email,
    phone_e164: phone ?? null,
    password_hash: await hashSecret(input.password),
    ivr_pin_hash: null,
    lang: 'el',
    status: 'active',
    roles: roles as Role[],
    activated_at: new Date(),
  });
  await recordAudit(db, {
    action: 'staff.created',
    userId: user.id,
    actorId: null,
    details: { roles, via: 'command line' },
  });
  return user;
}

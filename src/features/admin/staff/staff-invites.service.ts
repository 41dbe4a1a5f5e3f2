import { randomBytes } from 'node:crypto';
import type { Deps } from '../../../deps.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import { LinkInvalidError } from '../../../lib/errors.ts';
import type { Lang } from '../../../lib/localized.ts';
import { checkLink, consumeLink, issueLink } from '../../../lib/one-time-links.ts';
import { hashSecret, MIN_STAFF_PASSWORD_LENGTH, passwordProblem } from '../../../lib/passwords.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import {
  emailTaken,
  findUserById,
  insertUser,
  updateUser,
  usernameTaken,
  type Role,
  type UserRow,
} from '../../accounts/users.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import { validRoles } from './staff-roles.ts';

const INVITE_TTL_MS = 72 * 3600 * 1000;
const INVITE = 'staff_invite';

export interface InviteInput {
  username: string;
  fullName: string;
  email: string;
  roles: string[];
  /**
   * The invitation's language, and the new account's: the one the admin is using, who knows
   * the colleague (the invitee has chosen none yet, and can change it later).
   */
  lang: Lang;
}

type InviteDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'mailer' | 'modules'>;

/** An admin invites a colleague: a pending staff account and an email with a set-password link. */
export async function invite(
  deps: InviteDeps,
  input: InviteInput,
  actorId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const roles = validRoles(deps, input.roles);
  const errors = await inviteProblems(deps, input, roles);
  if (errors.length) return errors;
  try {
    await deps.db.transaction(async (trx) => {
      // Until the invitation is accepted the account has a password nobody knows.
      const user = await insertUser(trx, {
        username: input.username,
        full_name: input.fullName.trim(),
        email: input.email,
        phone_e164: null,
        password_hash: await hashSecret(randomBytes(32).toString('base64url')),
        ivr_pin_hash: null,
        lang: input.lang,
        status: 'pending',
        roles,
      });
      await sendInvitation(deps, user, roles, trx);
      await recordAudit(
        trx,
        { action: 'staff.invited', userId: user.id, actorId, details: { roles } },
        context,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return [{ field: 'username', key: 'accounts.errors.usernameTaken' }];
    throw error;
  }
  return [];
}

/** The invitation's page: throws LinkInvalidError for a link that cannot be used. */
export async function checkInvite(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<void> {
  await checkLink(deps.db, token, { purpose: INVITE, now: deps.clock.now() });
}

/** The colleague sets a password; the account becomes active. The link works once. */
export async function acceptInvite(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
  password: string,
  confirm: string,
  context: AuditContext,
): Promise<{ errors: FormError[] }> {
  const lookup = () => ({ purpose: INVITE, now: deps.clock.now() });
  const link = await checkLink(deps.db, token, lookup());
  const user = await findUserById(deps.db, link.user_id!);
  if (!user) throw new LinkInvalidError('unknown');
  const problem = passwordProblem(password, user.username, MIN_STAFF_PASSWORD_LENGTH);
  if (problem)
    return { errors: [{ field: 'password', key: `accounts.errors.password.${problem}` }] };
  if (password !== confirm)
    return { errors: [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }] };
  const hash = await hashSecret(password);
  await deps.db.transaction(async (trx) => {
    await consumeLink(trx, token, lookup());
    await updateUser(trx, user.id, {
      password_hash: hash,
      status: 'active',
      activated_at: deps.clock.now(),
    });
    await recordAudit(trx, { action: 'staff.activated', userId: user.id }, context);
  });
  return { errors: [] };
}

/** What is wrong with the invitation form, field by field. */
async function inviteProblems(
  deps: Pick<Deps, 'db'>,
  input: InviteInput,
  roles: Role[],
): Promise<FormError[]> {
  const errors: FormError[] = [];
  const fullName = input.fullName.trim();
  if (!/^[A-Za-z0-9._-]{3,32}$/.test(input.username))
    errors.push({ field: 'username', key: 'accounts.errors.usernameFormat' });
  else if (await usernameTaken(deps.db, input.username))
    errors.push({ field: 'username', key: 'accounts.errors.usernameTaken' });
  if (!fullName) errors.push({ field: 'fullName', key: 'accounts.errors.fullNameRequired' });
  else if (fullName.length > 200)
    errors.push({ field: 'fullName', key: 'accounts.errors.fullNameTooLong' });
  if (input.email.length > 254)
    errors.push({ field: 'email', key: 'accounts.errors.emailTooLong' });
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    errors.push({ field: 'email', key: 'accounts.errors.emailFormat' });
  else if (await emailTaken(deps.db, input.email))
    errors.push({ field: 'email', key: 'staff.users.errors.emailTaken' });
  if (!roles.length) errors.push({ field: 'roles', key: 'staff.users.errors.roles' });
  return errors;
}

/** The invitation email, in the caller's transaction; its 72 hours count from when it is sent. */
async function sendInvitation(
  deps: Pick<Deps, 'clock' | 'config' | 'mailer'>,
  user: UserRow,
  roles: Role[],
  conn: Parameters<typeof issueLink>[0],
): Promise<void> {
  const token = await issueLink(conn, {
    userId: user.id,
    purpose: INVITE,
    expiresAt: new Date(deps.clock.now().getTime() + INVITE_TTL_MS),
  });
  const t = deps.mailer.context(user.lang).t;
  await deps.mailer.send(
    'staff-invite',
    { email: user.email, lang: user.lang },
    {
      fullName: user.full_name,
      username: user.username,
      roles: roles.map((role) => t(`staff.roles.${role}`)).join(', '),
      link: `${deps.config.baseUrl}/invite/${token}`,
    },
    conn,
    { priority: 'link', link: { token, ttlMs: INVITE_TTL_MS } },
  );
}

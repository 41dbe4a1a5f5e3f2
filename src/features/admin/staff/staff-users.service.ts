import { randomBytes } from 'node:crypto';
import type { Conn } from '../../../db/knex.ts';
import { rolesOf } from '../../registry.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import type { Lang } from '../../../lib/localized.ts';
import { hashSecret, MIN_STAFF_PASSWORD_LENGTH, passwordProblem } from '../../../lib/passwords.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import {
  findToken,
  issueToken,
  markTokenUsed,
  type TokenState,
} from '../../accounts/tokens.repository.ts';
import {
  deleteSessionsOf,
  emailTaken,
  findUserById,
  insertUser,
  updateUser,
  usernameTaken,
  type Role,
} from '../../accounts/users.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';

const INVITE_TTL_MS = 72 * 3600 * 1000;

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

/** Admins manage staff: invitations, roles, disabling. There is always at least one active admin. */
export function createStaffUsersService(deps: Deps) {
  const known = rolesOf(deps.modules).map((role) => role.name);
  const validRoles = (roles: string[]): Role[] =>
    [...new Set(roles)].filter((r) => known.includes(r));
  const { db } = deps;

  /**
   * Locks every active admin's row (the changed one too, so two admins demoting each other at
   * once are serialised) and counts the admins other than `id`: zero means `id` is the last.
   */
  const otherActiveAdmins = async (trx: Conn, id: number) => {
    const admins = (await trx('users')
      .whereRaw(`'admin' = ANY(roles)`)
      .where('status', 'active')
      .forUpdate()
      .select('id')) as { id: number }[];
    return admins.filter((admin) => admin.id !== id).length;
  };

  return {
    async invite(input: InviteInput, actorId: number, context: AuditContext): Promise<FormError[]> {
      const errors: FormError[] = [];
      const roles = validRoles(input.roles);
      if (!/^[A-Za-z0-9._-]{3,32}$/.test(input.username))
        errors.push({ field: 'username', key: 'accounts.errors.usernameFormat' });
      else if (await usernameTaken(db, input.username))
        errors.push({ field: 'username', key: 'accounts.errors.usernameTaken' });
      if (!input.fullName.trim())
        errors.push({ field: 'fullName', key: 'accounts.errors.fullNameRequired' });
      else if (input.fullName.trim().length > 200)
        errors.push({ field: 'fullName', key: 'accounts.errors.fullNameTooLong' });
      if (input.email.length > 254)
        errors.push({ field: 'email', key: 'accounts.errors.emailTooLong' });
      else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
        errors.push({ field: 'email', key: 'accounts.errors.emailFormat' });
      else if (await emailTaken(db, input.email))
        errors.push({ field: 'email', key: 'staff.users.errors.emailTaken' });
      if (!roles.length) errors.push({ field: 'roles', key: 'staff.users.errors.roles' });
      if (errors.length) return errors;
      try {
        await db.transaction(async (trx) => {
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
          const token = await issueToken(trx, {
            userId: user.id,
            purpose: 'staff_invite',
            expiresAt: new Date(deps.clock.now().getTime() + INVITE_TTL_MS),
          });
          const t = deps.mailer.context(input.lang).t;
          // The 72 hours count from when the invitation is sent (OutgoingMail.linkValidity).
          await deps.mailer.send(
            'staff-invite',
            { email: user.email, lang: input.lang },
            {
              fullName: user.full_name,
              username: user.username,
              roles: roles.map((role) => t(`staff.roles.${role}`)).join(', '),
              link: `${deps.config.baseUrl}/invite/${token}`,
            },
            trx,
            { priority: 'link', link: { token, ttlMs: INVITE_TTL_MS } },
          );
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
    },

    checkInvite: (token: string): Promise<TokenState> =>
      findToken(db, token, 'staff_invite', deps.clock.now()),

    async acceptInvite(
      token: string,
      password: string,
      confirm: string,
      context: AuditContext,
    ): Promise<{ errors: FormError[]; invalid?: boolean }> {
      const state = await findToken(db, token, 'staff_invite', deps.clock.now());
      if (state.state !== 'valid') return { errors: [], invalid: true };
      const user = await findUserById(db, state.token.user_id);
      if (!user) return { errors: [], invalid: true };
      const problem = passwordProblem(password, user.username, MIN_STAFF_PASSWORD_LENGTH);
      if (problem)
        return { errors: [{ field: 'password', key: `accounts.errors.password.${problem}` }] };
      if (password !== confirm)
        return { errors: [{ field: 'passwordConfirm', key: 'accounts.errors.passwordMismatch' }] };
      const hash = await hashSecret(password);
      const ok = await db.transaction(async (trx) => {
        const locked = await findToken(trx, token, 'staff_invite', deps.clock.now(), true);
        if (locked.state !== 'valid') return false;
        await markTokenUsed(trx, locked.token.id);
        await updateUser(trx, user.id, {
          password_hash: hash,
          status: 'active',
          activated_at: deps.clock.now(),
        });
        await recordAudit(trx, { action: 'staff.activated', userId: user.id }, context);
        return true;
      });
      return ok ? { errors: [] } : { errors: [], invalid: true };
    },

    async setRoles(
      id: number,
      roles: string[],
      actorId: number,
      context: AuditContext,
    ): Promise<FormError[]> {
      const next = validRoles(roles);
      if (!next.length) return [{ field: 'roles', key: 'staff.users.errors.roles' }];
      return db.transaction(async (trx) => {
        const user = await findUserById(trx, id);
        if (!user || !user.roles.length) throw new NotFoundError();
        if (
          user.roles.includes('admin') &&
          !next.includes('admin') &&
          user.status === 'active' &&
          (await otherActiveAdmins(trx, id)) === 0
        ) {
          return [{ field: 'roles', key: 'staff.users.errors.lastAdmin' }];
        }
        await trx('users').where({ id }).update({ roles: next, updated_at: trx.fn.now() });
        await recordAudit(
          trx,
          {
            action: 'staff.roles_changed',
            userId: id,
            actorId,
            details: { before: user.roles, after: next },
          },
          context,
        );
        return [];
      });
    },

    async setDisabled(
      id: number,
      disabled: boolean,
      actorId: number,
      context: AuditContext,
    ): Promise<FormError[]> {
      if (disabled && id === actorId) return [{ field: 'status', key: 'staff.users.errors.self' }];
      const errors = await db.transaction(async (trx): Promise<FormError[]> => {
        const user = await findUserById(trx, id);
        if (!user || !user.roles.length) throw new NotFoundError();
        if (disabled && user.roles.includes('admin') && (await otherActiveAdmins(trx, id)) === 0)
          return [{ field: 'status', key: 'staff.users.errors.lastAdmin' }];
        await updateUser(trx, id, { status: disabled ? 'disabled' : 'active' });
        if (disabled) await deleteSessionsOf(trx, id);
        await recordAudit(
          trx,
          { action: disabled ? 'staff.disabled' : 'staff.enabled', userId: id, actorId },
          context,
        );
        return [];
      });
      // Disabling bumps the credential version (the database does): enabling again revives no session.
      if (!errors.length) deps.userCache.invalidate(String(id));
      return errors;
    },
  };
}
export type StaffUsersService = ReturnType<typeof createStaffUsersService>;

import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import {
  deleteSessionsOf,
  findUserById,
  updateUser,
  type UserRow,
} from '../../accounts/users.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import {
  listStaff as staffByName,
  otherActiveAdmins,
  setRolesOf,
} from './staff-users.repository.ts';
import { validRoles } from './staff-roles.ts';

// Admins manage staff: roles, disabling (invitations: staff-invites.service.ts). There is always
// at least one active admin.

export function listStaff(deps: Pick<Deps, 'db'>) {
  return staffByName(deps.db);
}

/** A staff account (one with a role); NotFoundError for anyone else. */
export async function findStaffUser(deps: Pick<Deps, 'db'>, id: number): Promise<UserRow> {
  const user = await findUserById(deps.db, id);
  if (!user || !user.roles.length) throw new NotFoundError();
  return user;
}

export async function setRoles(
  deps: Pick<Deps, 'db' | 'modules'>,
  id: number,
  roles: string[],
  actorId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const next = validRoles(deps, roles);
  if (!next.length) return [{ field: 'roles', key: 'staff.users.errors.roles' }];
  return deps.db.transaction(async (trx) => {
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
    await setRolesOf(trx, id, next);
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
}

/** Disabling signs the person out everywhere at once; nobody disables themselves or the last admin. */
export async function setDisabled(
  deps: Pick<Deps, 'db' | 'userCache'>,
  id: number,
  disabled: boolean,
  actorId: number,
  context: AuditContext,
): Promise<FormError[]> {
  if (disabled && id === actorId) return [{ field: 'status', key: 'staff.users.errors.self' }];
  const errors = await deps.db.transaction(async (trx): Promise<FormError[]> => {
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
}

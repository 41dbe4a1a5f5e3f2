import type { Conn } from '../../../db/knex.ts';
import type { Role, UserRow } from '../../accounts/users.repository.ts';

export type StaffListRow = Pick<
  UserRow,
  'id' | 'username' | 'full_name' | 'email' | 'roles' | 'status'
>;

/** Every account with a role, by name. */
export async function listStaff(conn: Conn): Promise<StaffListRow[]> {
  return (await conn('users')
    .whereRaw(`roles <> '{}'`)
    .orderBy('full_name')
    .select('id', 'username', 'full_name', 'email', 'roles', 'status')) as StaffListRow[];
}

/**
 * Locks every active admin's row (the changed one too, so two admins demoting each other at
 * once are serialised) and counts the admins other than `id`: zero means `id` is the last.
 */
export async function otherActiveAdmins(trx: Conn, id: number): Promise<number> {
  const admins = (await trx('users')
    .whereRaw(`'admin' = ANY(roles)`)
    .where('status', 'active')
    .forUpdate()
    .select('id')) as { id: number }[];
  return admins.filter((admin) => admin.id !== id).length;
}

export async function setRolesOf(conn: Conn, id: number, roles: Role[]): Promise<void> {
  await conn('users').where({ id }).update({ roles, updated_at: conn.fn.now() });
}

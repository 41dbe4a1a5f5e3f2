import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';

export interface DepartmentRow {
  id: number;
  slug: string;
  name: Localized;
  email: string | null;
  position: number;
}

export interface DepartmentListRow extends DepartmentRow {
  handlers: number;
  categories: number;
}

export interface SettingsCategoryRow {
  id: number;
  slug: string;
  group_key: string;
  department_id: number;
  name: Localized;
  deadline_days: number;
  may_be_public: boolean;
  /** Where the public list shows its requests: the exact point, or only the street. */
  public_location: PublicLocation;
  active: boolean;
  position: number;
}

export type PublicLocation = 'exact' | 'street';

const DEPARTMENT_COLUMNS = ['id', 'slug', 'name', 'email', 'position'];
const CATEGORY_COLUMNS = [
  'id',
  'slug',
  'group_key',
  'department_id',
  'name',
  'deadline_days',
  'may_be_public',
  'public_location',
  'active',
  'position',
];

/** Every department, in the municipality's order, with how many handlers and categories it has. */
export async function listDepartments(conn: Conn): Promise<DepartmentListRow[]> {
  const result = await conn.raw<{ rows: DepartmentListRow[] }>(
    `SELECT d.id, d.slug, d.name, d.email, d.position,
       (SELECT count(*) FROM department_handlers h WHERE h.department_id = d.id)::int AS handlers,
       (SELECT count(*) FROM request_categories c WHERE c.department_id = d.id)::int AS categories
     FROM departments d ORDER BY d.position, d.id`,
  );
  return result.rows;
}

export async function findDepartment(
  conn: Conn,
  id: number,
  options: { lock?: boolean } = {},
): Promise<DepartmentRow | undefined> {
  const query = conn('departments').where({ id }).first(DEPARTMENT_COLUMNS);
  return (await (options.lock ? query.forUpdate() : query)) as DepartmentRow | undefined;
}

export type DepartmentValues = Pick<DepartmentRow, 'slug' | 'email'> & {
  name: { el: string; en: string };
};

/** A new department, placed last. */
export async function insertDepartment(conn: Conn, values: DepartmentValues): Promise<number> {
  const result = await conn.raw<{ rows: { id: number }[] }>(
    `INSERT INTO departments (slug, name, email, position)
     SELECT ?, ?::jsonb, ?, coalesce(max(position) + 1, 0) FROM departments
     RETURNING id`,
    [values.slug, JSON.stringify(values.name), values.email],
  );
  return result.rows[0]!.id;
}

export async function updateDepartment(
  conn: Conn,
  id: number,
  values: DepartmentValues,
): Promise<void> {
  await conn('departments')
    .where({ id })
    .update({ slug: values.slug, name: JSON.stringify(values.name), email: values.email });
}

/** How many categories and requests point at a department (it can go only when none do). */
export async function departmentUsage(
  conn: Conn,
  id: number,
): Promise<{ categories: number; requests: number }> {
  const result = await conn.raw<{ rows: { categories: number; requests: number }[] }>(
    `SELECT (SELECT count(*) FROM request_categories WHERE department_id = ?)::int AS categories,
            (SELECT count(*) FROM requests WHERE department_id = ?)::int AS requests`,
    [id, id],
  );
  return result.rows[0]!;
}

export async function deleteDepartment(conn: Conn, id: number): Promise<void> {
  await conn('departments').where({ id }).delete();
}

export interface MemberRow {
  id: number;
  full_name: string;
  username: string;
  status: string;
  is_handler: boolean;
  daily_digest: boolean;
}

/** The department's members, with whether they still hold the handler role. */
export async function membersOf(conn: Conn, departmentId: number): Promise<MemberRow[]> {
  return (await conn('department_handlers as h')
    .join('users as u', 'u.id', 'h.user_id')
    .where('h.department_id', departmentId)
    .orderBy(['u.full_name', 'u.id'])
    .select(
      'u.id',
      'u.full_name',
      'u.username',
      'u.status',
      'h.daily_digest',
      conn.raw(`'handler' = ANY (u.roles) AS is_handler`),
    )) as MemberRow[];
}

/** Active staff with the handler role who are not (yet) in the department. */
export async function handlerCandidates(
  conn: Conn,
  departmentId: number,
): Promise<{ id: number; full_name: string; username: string }[]> {
  return (await conn('users as u')
    .where('u.status', 'active')
    .whereRaw(`'handler' = ANY (u.roles)`)
    .whereNotExists((q) =>
      q
        .select(1)
        .from('department_handlers as h')
        .whereRaw('h.user_id = u.id')
        .where('h.department_id', departmentId),
    )
    .orderBy(['u.full_name', 'u.id'])
    .select('u.id', 'u.full_name', 'u.username')) as {
    id: number;
    full_name: string;
    username: string;
  }[];
}

/** An active account with the handler role, its row locked against a change of roles meanwhile. */
export async function findActiveHandler(
  conn: Conn,
  userId: number,
): Promise<{ id: number; full_name: string } | undefined> {
  return (await conn('users')
    .where({ id: userId, status: 'active' })
    .whereRaw(`'handler' = ANY (roles)`)
    .forShare()
    .first('id', 'full_name')) as { id: number; full_name: string } | undefined;
}

/** Adds a member; false if they were one already. */
export async function insertMember(
  conn: Conn,
  departmentId: number,
  userId: number,
): Promise<boolean> {
  const rows = (await conn('department_handlers')
    .insert({ department_id: departmentId, user_id: userId })
    .onConflict(['department_id', 'user_id'])
    .ignore()
    .returning('user_id')) as unknown[];
  return rows.length > 0;
}

/** Removes a member; false if they were not one. */
export async function deleteMember(
  conn: Conn,
  departmentId: number,
  userId: number,
): Promise<boolean> {
  return (
    (await conn('department_handlers')
      .where({ department_id: departmentId, user_id: userId })
      .delete()) > 0
  );
}

/** Every category, active or not, in the municipality's order. */
export async function listAllCategories(conn: Conn): Promise<SettingsCategoryRow[]> {
  return (await conn('request_categories')
    .orderBy(['position', 'id'])
    .select(CATEGORY_COLUMNS)) as SettingsCategoryRow[];
}

export async function findAnyCategory(
  conn: Conn,
  id: number,
  options: { lock?: boolean } = {},
): Promise<SettingsCategoryRow | undefined> {
  const query = conn('request_categories').where({ id }).first(CATEGORY_COLUMNS);
  return (await (options.lock ? query.forUpdate() : query)) as SettingsCategoryRow | undefined;
}

export type CategoryValues = Omit<SettingsCategoryRow, 'id' | 'name'> & {
  name: { el: string; en: string };
};

const categoryRow = (values: CategoryValues) => ({ ...values, name: JSON.stringify(values.name) });

export async function insertCategory(conn: Conn, values: CategoryValues): Promise<number> {
  const [row] = (await conn('request_categories').insert(categoryRow(values)).returning('id')) as {
    id: number;
  }[];
  return row!.id;
}

export async function updateCategory(
  conn: Conn,
  id: number,
  values: CategoryValues,
): Promise<void> {
  await conn('request_categories').where({ id }).update(categoryRow(values));
}

import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../../db/constraints.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { CategoryInput, DepartmentInput } from './settings.schemas.ts';
import {
  deleteDepartment,
  deleteMember,
  departmentUsage,
  findActiveHandler,
  findAnyCategory,
  findDepartment,
  insertCategory,
  insertDepartment,
  insertMember,
  updateCategory,
  updateDepartment,
  type CategoryValues,
  type DepartmentValues,
} from './settings.repository.ts';

export type SettingsDeps = Pick<Deps, 'db'>;
type Saved = { id?: number; errors: FieldError[] };

const ERR = 'requests.settings.errors';

const departmentValues = (input: DepartmentInput): DepartmentValues => ({
  slug: input.slug,
  name: { el: input.nameEl, en: input.nameEn },
  email: input.email,
});

/** How one kind of settings row is written, and how its audit entries name it. */
interface AuditedTable<V> {
  kind: 'request_department' | 'request_category';
  entity: string;
  insert: (trx: Knex.Transaction, values: V) => Promise<number>;
  find: (trx: Knex.Transaction, id: number, options: { lock: boolean }) => Promise<unknown>;
  update: (trx: Knex.Transaction, id: number, values: V) => Promise<unknown>;
}

/** Inserts (id undefined) or updates one row, with its `.created` or `.updated` audit entry. */
async function saveAudited<V extends { slug: string }>(
  deps: SettingsDeps,
  id: number | undefined,
  values: V,
  actorId: number,
  context: AuditContext,
  table: AuditedTable<V>,
): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const before = id === undefined ? undefined : await table.find(trx, id, { lock: true });
    if (id !== undefined && !before) throw new NotFoundError();
    const savedId = id ?? (await table.insert(trx, values));
    if (id !== undefined) await table.update(trx, id, values);
    await recordAudit(
      trx,
      {
        action: `${table.kind}.${id === undefined ? 'created' : 'updated'}`,
        userId: null,
        actorId,
        entity: { type: table.entity, id: savedId },
        details:
          id === undefined
            ? { slug: values.slug }
            : { changes: changes(before as Record<string, unknown>, values) },
      },
      context,
    );
    return savedId;
  });
}

/** A new department (id undefined) or a change to one; a slug in use is a message at its field. */
export async function saveDepartment(
  deps: SettingsDeps,
  id: number | undefined,
  input: DepartmentInput,
  actorId: number,
  context: AuditContext,
): Promise<Saved> {
  const values = departmentValues(input);
  try {
    const savedId = await saveAudited(deps, id, values, actorId, context, {
      kind: 'request_department',
      entity: 'department',
      insert: insertDepartment,
      find: findDepartment,
      update: updateDepartment,
    });
    return { id: savedId, errors: [] };
  } catch (error) {
    if (isUniqueViolation(error)) return { errors: [{ field: 'slug', key: `${ERR}.slugTaken` }] };
    throw error;
  }
}

/**
 * Deletes a department no category or request points at. The row is locked first, and the
 * database's foreign keys close the race with a category or request added meanwhile.
 */
export async function removeDepartment(
  deps: SettingsDeps,
  id: number,
  actorId: number,
  context: AuditContext,
): Promise<FieldError[]> {
  const inUse: FieldError[] = [{ field: 'delete', key: `${ERR}.departmentInUse` }];
  try {
    return await deps.db.transaction(async (trx) => {
      const department = await findDepartment(trx, id, { lock: true });
      if (!department) throw new NotFoundError();
      const usage = await departmentUsage(trx, id);
      if (usage.categories || usage.requests) return inUse;
      await deleteDepartment(trx, id);
      await recordAudit(
        trx,
        {
          action: 'request_department.deleted',
          userId: null,
          actorId,
          entity: { type: 'department', id },
          details: { slug: department.slug, name: department.name },
        },
        context,
      );
      return [];
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) return inUse;
    throw error;
  }
}

/** Adds an active handler to a department; anyone else, or a member already, is a message. */
export async function addHandler(
  deps: SettingsDeps,
  departmentId: number,
  userId: number,
  actorId: number,
  context: AuditContext,
): Promise<FieldError[]> {
  return deps.db.transaction(async (trx) => {
    if (!(await findDepartment(trx, departmentId, { lock: true }))) throw new NotFoundError();
    if (!(await findActiveHandler(trx, userId))) return [{ field: 'user', key: `${ERR}.handler` }];
    if (!(await insertMember(trx, departmentId, userId)))
      return [{ field: 'user', key: `${ERR}.alreadyMember` }];
    await recordAudit(
      trx,
      {
        action: 'request_department.handler_added',
        userId,
        actorId,
        entity: { type: 'department', id: departmentId },
      },
      context,
    );
    return [];
  });
}

/** Takes a person out of a department (404 if they were not in it). */
export async function removeHandler(
  deps: SettingsDeps,
  departmentId: number,
  userId: number,
  actorId: number,
  context: AuditContext,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    if (!(await deleteMember(trx, departmentId, userId))) throw new NotFoundError();
    await recordAudit(
      trx,
      {
        action: 'request_department.handler_removed',
        userId,
        actorId,
        entity: { type: 'department', id: departmentId },
      },
      context,
    );
  });
}

const categoryValues = (input: CategoryInput): CategoryValues => ({
  slug: input.slug,
  group_key: input.group,
  department_id: input.department,
  name: { el: input.nameEl, en: input.nameEn },
  deadline_days: input.deadlineDays,
  may_be_public: input.mayBePublic,
  public_location: input.publicLocation,
  active: input.active,
  position: input.position,
});

/**
 * A new category or a change to one. Requests already filed keep their department and deadline;
 * an inactive category is only left out of new requests. A slug in use, or a department deleted
 * meanwhile, is a message at its field.
 */
export async function saveCategory(
  deps: SettingsDeps,
  id: number | undefined,
  input: CategoryInput,
  actorId: number,
  context: AuditContext,
): Promise<Saved> {
  const values = categoryValues(input);
  try {
    const savedId = await saveAudited(deps, id, values, actorId, context, {
      kind: 'request_category',
      entity: 'request_category',
      insert: insertCategory,
      find: findAnyCategory,
      update: updateCategory,
    });
    return { id: savedId, errors: [] };
  } catch (error) {
    if (isUniqueViolation(error)) return { errors: [{ field: 'slug', key: `${ERR}.slugTaken` }] };
    if (isForeignKeyViolation(error))
      return { errors: [{ field: 'department', key: `${ERR}.department` }] };
    throw error;
  }
}

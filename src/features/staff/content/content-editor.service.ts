import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { parseContentForm, type FormValues } from './content-form.ts';
import type { ContentType } from './content-types.ts';
import {
  findContent,
  insertContent,
  lockContentOrder,
  renumberContent,
  updateContent,
  updateContentStatus,
  type ContentRow,
} from './content.repository.ts';

/**
 * What the content editor uses: it creates, edits, reorders and publishes a module's Markdown
 * pages (benefits, health services), every change audited and the public pages' cache emptied.
 */
export type ContentEditorDeps = Pick<Deps, 'db' | 'contentCache'>;

/** The item, drafts too; a 404 when there is none. */
export async function findContentItem(
  conn: Conn,
  type: ContentType,
  id: number,
): Promise<ContentRow> {
  const row = await findContent(conn, type.table, id);
  if (!row) throw new NotFoundError();
  return row;
}

/** The row as the audit log keeps it: no bookkeeping columns, JSON text read back. */
const audited = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => !['id', 'created_at', 'updated_at', 'position'].includes(k))
      .map(([k, v]) => [
        k,
        typeof v === 'string' && v.startsWith('{') ? (JSON.parse(v) as unknown) : v,
      ]),
  );

async function createItem(
  trx: Conn,
  type: ContentType,
  row: Record<string, unknown>,
  actorId: number,
  context: AuditContext,
): Promise<number> {
  const id = await insertContent(trx, type.table, row);
  const entity = { type: type.entity, id };
  const details = { after: audited(row) };
  await recordAudit(trx, { action: `${type.entity}.created`, actorId, entity, details }, context);
  return id;
}

async function updateItem(
  trx: Conn,
  type: ContentType,
  id: number,
  row: Record<string, unknown>,
  actorId: number,
  context: AuditContext,
): Promise<number> {
  const before = await findContentItem(trx, type, id);
  await updateContent(trx, type.table, id, row);
  const diff = changes(audited(before), audited(row));
  if (Object.keys(diff).length) {
    const entity = { type: type.entity, id };
    const details = { changes: diff };
    await recordAudit(trx, { action: `${type.entity}.updated`, actorId, entity, details }, context);
  }
  return id;
}

/** Saves the form as a new draft (no id) or over an item; a slug already used is the form's error. */
export async function saveContent(
  deps: ContentEditorDeps,
  type: ContentType,
  id: number | undefined,
  values: FormValues,
  actorId: number,
  context: AuditContext,
): Promise<{ id?: number; errors: FieldError[] }> {
  const parsed = parseContentForm(type, values, await type.groups(deps.db));
  const row = parsed.row;
  if (!row) return { errors: parsed.errors };
  try {
    const savedId = await deps.db.transaction((trx) =>
      id === undefined
        ? createItem(trx, type, row, actorId, context)
        : updateItem(trx, type, id, row, actorId, context),
    );
    deps.contentCache.invalidate();
    return { id: savedId, errors: [] };
  } catch (error) {
    if (isUniqueViolation(error))
      return { errors: [{ field: 'slug', key: 'staff.content.errors.slugTaken' }] };
    throw error;
  }
}

export async function setContentStatus(
  deps: ContentEditorDeps,
  type: ContentType,
  id: number,
  status: 'draft' | 'published',
  actorId: number,
  context: AuditContext,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const before = await findContentItem(trx, type, id);
    if (before.status === status) return;
    await updateContentStatus(trx, type.table, id, status);
    const action = `${type.entity}.${status === 'published' ? 'published' : 'unpublished'}`;
    await recordAudit(trx, { action, actorId, entity: { type: type.entity, id } }, context);
  });
  deps.contentCache.invalidate();
}

/** Swaps an item with its neighbour in the public order. */
export async function moveContent(
  deps: ContentEditorDeps,
  type: ContentType,
  id: number,
  direction: 'up' | 'down',
  actorId: number,
  context: AuditContext,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const rows = await lockContentOrder(trx, type.table);
    const index = rows.findIndex((r) => r.id === id);
    if (index < 0) throw new NotFoundError();
    const other = rows[direction === 'up' ? index - 1 : index + 1];
    if (!other) return;
    // Positions are renumbered 1..n so that equal positions cannot make the swap a no-op.
    const order = rows.map((r) => r.id);
    [order[index], order[rows.indexOf(other)]] = [other.id, id];
    await renumberContent(trx, type.table, order);
    const entity = { type: type.entity, id };
    const details = { direction };
    await recordAudit(
      trx,
      { action: `${type.entity}.reordered`, actorId, entity, details },
      context,
    );
  });
  deps.contentCache.invalidate();
}

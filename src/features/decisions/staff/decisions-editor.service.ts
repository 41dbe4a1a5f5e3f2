import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { bindDeps } from '../../../lib/bind-deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import type { DiavgeiaClient } from './diavgeia.client.ts';
import { importFromDiavgeia } from './diavgeia-import.service.ts';
import type { DecisionInput, FormError } from './decision-form.ts';
import {
  categoryIdBySlug,
  findForEditors,
  insertDecision,
  updateDecisionColumns,
  updateDecisionStatus,
  type DecisionColumns,
} from './decisions-editor.repository.ts';

/** What the editor's functions use: the database, the PDF store, and the cache they empty. */
export type EditorDeps = Pick<Deps, 'db' | 'documents' | 'contentCache'>;

export type SaveResult = { id: number; errors: [] } | { id?: undefined; errors: FormError[] };

/** A published decision must keep its number and category. */
class IncompleteError extends Error {}

/** The message for a save the database refused (or that would unpublish by omission), if it is one. */
function saveErrors(error: unknown): FormError[] | undefined {
  if (error instanceof IncompleteError)
    return [{ field: 'number', key: 'staff.decisions.errors.publishedNeedsNumber' }];
  if (isUniqueViolation(error, 'decisions_year_number_key'))
    return [{ field: 'number', key: 'staff.decisions.errors.numberTaken' }];
  if (isUniqueViolation(error, 'decisions_ada_key'))
    return [{ field: 'ada', key: 'staff.decisions.errors.adaTaken' }];
  return undefined;
}

const auditFields = (row: Record<string, unknown>) => ({
  number: row.number ?? null,
  year: row.year ?? null,
  meeting_date: row.meeting_date ?? null,
  category_id: row.category_id ?? null,
  subject: row.subject ?? null,
  summary: row.summary ?? null,
  ada: row.ada ?? null,
  document_file: row.document_file ?? null,
  status: row.status ?? null,
});

/** The decision's columns from the form (the category by its slug). */
async function columns(
  conn: Conn,
  input: DecisionInput,
  documentFile: string | null,
): Promise<DecisionColumns> {
  return {
    number: input.number,
    year: input.year,
    meeting_date: input.meeting_date,
    category_id: await categoryIdBySlug(conn, input.category_slug),
    subject: input.subject,
    summary: input.summary,
    ada: input.ada,
    document_file: documentFile,
  };
}

/** A new draft, with its PDF if one came; the PDF is removed again if the draft is refused. */
export async function createDecision(
  deps: EditorDeps,
  input: DecisionInput,
  pdf: Buffer | undefined,
  actorId: number,
  context: AuditContext,
): Promise<SaveResult> {
  const stored = pdf ? await deps.documents.save(pdf) : null;
  try {
    const id = await deps.db.transaction(async (trx) => {
      const row = { ...(await columns(trx, input, stored)), status: 'draft' as const };
      const created = await insertDecision(trx, row);
      const entity = { type: 'decision', id: created };
      const details = { after: auditFields(row) };
      await recordAudit(trx, { action: 'decision.created', actorId, entity, details }, context);
      return created;
    });
    deps.contentCache.invalidate();
    return { id, errors: [] };
  } catch (error) {
    if (stored) await deps.documents.remove(stored);
    const errors = saveErrors(error);
    if (errors) return { errors };
    throw error;
  }
}

/** Writes the changes and their audit entry; returns the PDF the new one replaces, if any. */
async function applyChanges(
  trx: Conn,
  id: number,
  change: { input: DecisionInput; stored: string | null },
  actorId: number,
  context: AuditContext,
): Promise<string | null> {
  const before = await findForEditors(trx, id, true);
  if (!before) throw new NotFoundError();
  const after = await columns(trx, change.input, change.stored ?? before.document_file);
  if (before.status === 'published' && (after.number === null || after.category_id === null))
    throw new IncompleteError();
  await updateDecisionColumns(trx, id, after);
  const diff = changes(
    auditFields(before as unknown as Record<string, unknown>),
    auditFields({ ...before, ...after } as Record<string, unknown>),
  );
  if (Object.keys(diff).length) {
    const entity = { type: 'decision', id };
    const details = { changes: diff };
    await recordAudit(trx, { action: 'decision.updated', actorId, entity, details }, context);
  }
  return change.stored && before.document_file ? before.document_file : null;
}

/** Saves changes; a new PDF replaces the old one only once the change is committed. */
export async function updateDecision(
  deps: EditorDeps,
  id: number,
  input: DecisionInput,
  pdf: Buffer | undefined,
  actorId: number,
  context: AuditContext,
): Promise<SaveResult> {
  const stored = pdf ? await deps.documents.save(pdf) : null;
  let replaced: string | null;
  try {
    replaced = await deps.db.transaction((trx) =>
      applyChanges(trx, id, { input, stored }, actorId, context),
    );
  } catch (error) {
    if (stored) await deps.documents.remove(stored);
    const errors = saveErrors(error);
    if (errors) return { errors };
    throw error;
  }
  if (replaced) await deps.documents.remove(replaced);
  deps.contentCache.invalidate();
  return { id, errors: [] };
}

/** Publishes or takes back to draft; publishing needs a number and a category. */
export async function setDecisionStatus(
  deps: Pick<EditorDeps, 'db' | 'contentCache'>,
  id: number,
  status: 'draft' | 'published',
  actorId: number,
  context: AuditContext,
): Promise<FormError[]> {
  const result = await deps.db.transaction(async (trx): Promise<FormError[]> => {
    const before = await findForEditors(trx, id, true);
    if (!before) throw new NotFoundError();
    if (before.status === status) return [];
    if (status === 'published' && (before.number === null || before.category_id === null))
      return [{ field: 'number', key: 'staff.decisions.errors.publishNeedsNumber' }];
    await updateDecisionStatus(trx, id, status, before.published_at);
    const action = status === 'published' ? 'decision.published' : 'decision.unpublished';
    await recordAudit(trx, { action, actorId, entity: { type: 'decision', id } }, context);
    return [];
  });
  deps.contentCache.invalidate();
  return result;
}

/**
 * Editors' work on council decisions (drafts, the PDF, publishing, the import from Diavgeia),
 * bound to the deps once in the composition root.
 */
export function createDecisionsEditor(deps: EditorDeps, diavgeia: DiavgeiaClient) {
  const importDeps = { db: deps.db, contentCache: deps.contentCache, diavgeia };
  return {
    ...bindDeps(deps, {
      create: createDecision,
      update: updateDecision,
      setStatus: setDecisionStatus,
    }),
    ...bindDeps(importDeps, { importFromDiavgeia }),
  };
}

export type DecisionsEditor = ReturnType<typeof createDecisionsEditor>;

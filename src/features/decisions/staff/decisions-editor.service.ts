import type { Conn } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import type { DiavgeiaClient } from './diavgeia.client.ts';
import type { DecisionInput, FormError } from './decision-form.ts';
import { categoryIdBySlug, findForEditors } from './decisions-editor.repository.ts';

export type SaveResult = { id: number; errors: [] } | { id?: undefined; errors: FormError[] };

function constraintErrors(error: unknown): FormError[] | undefined {
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
async function columns(conn: Conn, input: DecisionInput, documentFile: string | null) {
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

/** Editors' work on council decisions: drafts, the PDF, publishing, and the import from Diavgeia. */
export function createDecisionsEditor(deps: Deps, diavgeia: DiavgeiaClient) {
  const { db, documents } = deps;
  const changed = () => deps.contentCache.invalidate();

  return {
    async create(
      input: DecisionInput,
      pdf: Buffer | undefined,
      actorId: number,
      context: AuditContext,
    ): Promise<SaveResult> {
      const stored = pdf ? await documents.save(pdf) : null;
      try {
        const id = await db.transaction(async (trx) => {
          const row = { ...(await columns(trx, input, stored)), status: 'draft' };
          const [created] = (await trx('decisions').insert(row).returning('id')) as {
            id: number;
          }[];
          await recordAudit(
            trx,
            {
              action: 'decision.created',
              actorId,
              entity: { type: 'decision', id: created!.id },
              details: { after: auditFields(row) },
            },
            context,
          );
          return created!.id;
        });
        changed();
        return { id, errors: [] };
      } catch (error) {
        if (stored) await documents.remove(stored);
        const errors = constraintErrors(error);
        if (errors) return { errors };
        throw error;
      }
    },

    /** Saves changes; a new PDF replaces the old one only once the change is committed. */
    async update(
      id: number,
      input: DecisionInput,
      pdf: Buffer | undefined,
      actorId: number,
      context: AuditContext,
    ): Promise<SaveResult> {
      const stored = pdf ? await documents.save(pdf) : null;
      let replaced: string | null = null;
      try {
        await db.transaction(async (trx) => {
          const before = await findForEditors(trx, id, true);
          if (!before) throw new NotFoundError();
          const after = await columns(trx, input, stored ?? before.document_file);
          if (
            before.status === 'published' &&
            (after.number === null || after.category_id === null)
          ) {
            throw new IncompleteError();
          }
          await trx('decisions')
            .where({ id })
            .update({ ...after, updated_at: trx.fn.now() });
          const diff = changes(
            auditFields(before as unknown as Record<string, unknown>),
            auditFields({ ...before, ...after } as Record<string, unknown>),
          );
          if (Object.keys(diff).length)
            await recordAudit(
              trx,
              {
                action: 'decision.updated',
                actorId,
                entity: { type: 'decision', id },
                details: { changes: diff },
              },
              context,
            );
          if (stored && before.document_file) replaced = before.document_file;
        });
      } catch (error) {
        if (stored) await documents.remove(stored);
        if (error instanceof IncompleteError)
          return {
            errors: [{ field: 'number', key: 'staff.decisions.errors.publishedNeedsNumber' }],
          };
        const errors = constraintErrors(error);
        if (errors) return { errors };
        throw error;
      }
      if (replaced) await documents.remove(replaced);
      changed();
      return { id, errors: [] };
    },

    async setStatus(
      id: number,
      status: 'draft' | 'published',
      actorId: number,
      context: AuditContext,
    ): Promise<FormError[]> {
      const result = await db.transaction(async (trx) => {
        const before = await findForEditors(trx, id, true);
        if (!before) throw new NotFoundError();
        if (before.status === status) return [];
        if (status === 'published' && (before.number === null || before.category_id === null)) {
          return [{ field: 'number', key: 'staff.decisions.errors.publishNeedsNumber' }];
        }
        await trx('decisions')
          .where({ id })
          .update({
            status,
            published_at: status === 'published' ? trx.fn.now() : before.published_at,
            updated_at: trx.fn.now(),
          });
        await recordAudit(
          trx,
          {
            action: status === 'published' ? 'decision.published' : 'decision.unpublished',
            actorId,
            entity: { type: 'decision', id },
          },
          context,
        );
        return [];
      });
      changed();
      return result;
    },

    /** Drafts from Diavgeia's council decisions in a date range; ADAs already here are skipped. */
    async importFromDiavgeia(
      query: { org: string; from: string; to: string },
      actorId: number,
      context: AuditContext,
    ): Promise<{ created: number; skipped: number }> {
      const found = await diavgeia.searchDecisions(query);
      let created = 0;
      await db.transaction(async (trx) => {
        for (const decision of found) {
          const inserted = (await trx('decisions')
            .insert({
              year: Number(decision.issueDate.slice(0, 4)),
              meeting_date: decision.issueDate,
              subject: decision.subject.slice(0, 1000),
              ada: decision.ada,
              source_url: decision.documentUrl,
              status: 'draft',
            })
            .onConflict('ada')
            .ignore()
            .returning('id')) as { id: number }[];
          const row = inserted[0];
          if (!row) continue;
          created += 1;
          await recordAudit(
            trx,
            {
              action: 'decision.imported',
              actorId,
              entity: { type: 'decision', id: row.id },
              details: { ada: decision.ada, source: decision.documentUrl },
            },
            context,
          );
        }
      });
      changed();
      return { created, skipped: found.length - created };
    },
  };
}

class IncompleteError extends Error {}

export type DecisionsEditor = ReturnType<typeof createDecisionsEditor>;

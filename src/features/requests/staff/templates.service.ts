import type { Deps } from '../../../deps.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../../db/constraints.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import type { TemplateForm } from './templates.schemas.ts';
import {
  findTemplate,
  insertTemplate,
  updateTemplate as updateTemplateRow,
  type ReplyTemplateInput,
} from './templates.repository.ts';

type TemplatesDeps = Pick<Deps, 'db'>;
export const TEMPLATE_ENTITY = 'request_reply_template';

const row = (form: TemplateForm): ReplyTemplateInput => ({
  category_id: form.category,
  title_el: form.titleEl,
  title_en: form.titleEn,
  body_el: form.bodyEl,
  body_en: form.bodyEn,
  position: form.position,
});

/**
 * A clash the database caught (two admins saving the same title at once, a category removed
 * meanwhile) as a message at its field; anything else is thrown on.
 */
function asFieldErrors(error: unknown): FieldError[] {
  if (isUniqueViolation(error, 'request_reply_templates_title_idx'))
    return [{ field: 'titleEl', key: 'requests.templates.errors.duplicate' }];
  if (isForeignKeyViolation(error))
    return [{ field: 'category', key: 'requests.templates.errors.category' }];
  throw error;
}

/** A new template; returns its id, or the problems at their fields. */
export async function createTemplate(
  deps: TemplatesDeps,
  adminId: number,
  form: TemplateForm,
  context: AuditContext,
): Promise<{ id: number } | { errors: FieldError[] }> {
  try {
    return await deps.db.transaction(async (trx) => {
      const id = await insertTemplate(trx, row(form));
      await recordAudit(
        trx,
        {
          action: 'request.template_created',
          actorId: adminId,
          entity: { type: TEMPLATE_ENTITY, id },
          details: { title: form.titleEl, categoryId: form.category },
        },
        context,
      );
      return { id };
    });
  } catch (error) {
    return { errors: asFieldErrors(error) };
  }
}

/** Saves an admin's changes; the audit entry keeps what changed, before and after. */
export async function updateTemplate(
  deps: TemplatesDeps,
  adminId: number,
  id: number,
  form: TemplateForm,
  context: AuditContext,
): Promise<FieldError[]> {
  try {
    return await deps.db.transaction(async (trx) => {
      const before = await findTemplate(trx, id, { lock: true });
      if (!before) throw new NotFoundError();
      const after = row(form);
      const diff = changes(before as unknown as Record<string, unknown>, after);
      if (!Object.keys(diff).length) return [];
      await updateTemplateRow(trx, id, after);
      await recordAudit(
        trx,
        {
          action: 'request.template_updated',
          actorId: adminId,
          entity: { type: TEMPLATE_ENTITY, id },
          details: { changes: diff },
        },
        context,
      );
      return [];
    });
  } catch (error) {
    if (error instanceof NotFoundError) throw error;
    return asFieldErrors(error);
  }
}

/** Takes a template out of the handlers' lists (or brings it back); the row stays. */
export async function setTemplateActive(
  deps: TemplatesDeps,
  adminId: number,
  id: number,
  active: boolean,
  context: AuditContext,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const before = await findTemplate(trx, id, { lock: true });
    if (!before) throw new NotFoundError();
    if (before.active === active) return;
    await updateTemplateRow(trx, id, { active });
    await recordAudit(
      trx,
      {
        action: active ? 'request.template_activated' : 'request.template_deactivated',
        actorId: adminId,
        entity: { type: TEMPLATE_ENTITY, id },
        details: { title: before.title_el },
      },
      context,
    );
  });
}

import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { changes, recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { isUniqueViolation } from '../../../db/constraints.ts';
import { HEALTH_KINDS } from '../../health/health.repository.ts';
import type { FormError } from '../../decisions/staff/decision-form.ts';
import type { ContentType } from './content-types.ts';

export type ContentRow = Record<string, unknown> & {
  id: number;
  slug: string;
  status: 'draft' | 'published';
  position: number;
  title: { el?: string; en?: string };
};
export type FormValues = Record<string, string>;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LINK = /^(.+?)\s*\|\s*(https?:\/\/\S+)$/;

/** Create, edit, reorder and publish benefits or health pages (Markdown, Greek and English). */
export function createContentEditor(deps: Deps, type: ContentType) {
  const { db } = deps;
  const changed = () => deps.contentCache.invalidate();

  const groups = async (): Promise<{ value: string; label: { el?: string; en?: string } }[]> => {
    if (type.grouping.field === 'kind')
      return HEALTH_KINDS.map((kind) => ({ value: kind, label: {} }));
    const rows = (await db('benefit_categories')
      .select('id', 'name')
      .orderBy(['position', 'id'])) as { id: number; name: { el?: string; en?: string } }[];
    return rows.map((r) => ({ value: String(r.id), label: r.name }));
  };

  /** Form values -> a row, or errors at the fields. */
  async function parse(
    values: FormValues,
  ): Promise<{ row?: Record<string, unknown>; errors: FormError[] }> {
    const errors: FormError[] = [];
    const row: Record<string, unknown> = {};
    const slug = (values.slug ?? '').trim();
    if (!SLUG.test(slug) || slug.length > 100)
      errors.push({ field: 'slug', key: 'staff.content.errors.slug' });
    row.slug = slug;
    const group = (values[type.grouping.field] ?? '').trim();
    if (!(await groups()).some((g) => g.value === group))
      errors.push({ field: type.grouping.field, key: 'staff.content.errors.group' });
    row[type.grouping.column] = type.grouping.column === 'category_id' ? Number(group) : group;
    for (const field of type.fields) {
      const el = (values[field.localized ? `${field.name}_el` : field.name] ?? '').trim();
      const en = field.localized ? (values[`${field.name}_en`] ?? '').trim() : '';
      const max = field.kind === 'markdown' ? 20_000 : field.kind === 'textarea' ? 2000 : 300;
      if (field.required && !el)
        errors.push({
          field: field.localized ? `${field.name}_el` : field.name,
          key: 'staff.content.errors.required',
        });
      if (el.length > max || en.length > max)
        errors.push({
          field: field.localized ? `${field.name}_el` : field.name,
          key: 'staff.content.errors.tooLong',
        });
      row[field.name] = field.localized ? JSON.stringify(en ? { el, en } : { el }) : el;
    }
    if (type.hasLinks) {
      const links = [];
      for (const line of (values.links ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)) {
        const match = LINK.exec(line);
        if (!match) {
          errors.push({ field: 'links', key: 'staff.content.errors.links' });
          break;
        }
        links.push({ label: { el: match[1] }, url: match[2] });
      }
      row.links = JSON.stringify(links);
    }
    return errors.length ? { errors } : { row, errors };
  }

  const find = async (id: number, conn = db): Promise<ContentRow> => {
    const row = (await conn(type.table).where({ id }).first()) as ContentRow | undefined;
    if (!row) throw new NotFoundError();
    return row;
  };

  const audited = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => !['id', 'created_at', 'updated_at', 'position'].includes(k))
        .map(([k, v]) => [
          k,
          typeof v === 'string' && v.startsWith('{') ? (JSON.parse(v) as unknown) : v,
        ]),
    );

  return {
    groups,
    find,
    list: async () => (await db(type.table).orderBy(['position', 'id'])) as ContentRow[],

    toValues(row: ContentRow): FormValues {
      const values: FormValues = {
        slug: row.slug,
        [type.grouping.field]: String(
          (row[type.grouping.column] as string | number | null | undefined) ?? '',
        ),
      };
      for (const field of type.fields) {
        const value = row[field.name];
        if (field.localized) {
          const text = (value ?? {}) as { el?: string; en?: string };
          values[`${field.name}_el`] = text.el ?? '';
          values[`${field.name}_en`] = text.en ?? '';
        } else values[field.name] = typeof value === 'string' ? value : '';
      }
      if (type.hasLinks)
        values.links = ((row.links ?? []) as { label: { el?: string }; url: string }[])
          .map((l) => `${l.label.el ?? ''} | ${l.url}`)
          .join('\n');
      return values;
    },

    async save(
      id: number | undefined,
      values: FormValues,
      actorId: number,
      context: AuditContext,
    ): Promise<{ id?: number; errors: FormError[] }> {
      const parsed = await parse(values);
      if (!parsed.row) return { errors: parsed.errors };
      const row = parsed.row;
      try {
        const savedId = await db.transaction(async (trx) => {
          if (id === undefined) {
            const max = (await trx(type.table).max({ p: 'position' }).first()) as {
              p: number | null;
            };
            const [created] = (await trx(type.table)
              .insert({ ...row, position: (max.p ?? 0) + 1, status: 'draft' })
              .returning('id')) as { id: number }[];
            await recordAudit(
              trx,
              {
                action: `${type.entity}.created`,
                actorId,
                entity: { type: type.entity, id: created!.id },
                details: { after: audited(row) },
              },
              context,
            );
            return created!.id;
          }
          const before = await find(id, trx);
          await trx(type.table)
            .where({ id })
            .update({ ...row, updated_at: trx.fn.now() });
          const diff = changes(audited(before), audited(row));
          if (Object.keys(diff).length)
            await recordAudit(
              trx,
              {
                action: `${type.entity}.updated`,
                actorId,
                entity: { type: type.entity, id },
                details: { changes: diff },
              },
              context,
            );
          return id;
        });
        changed();
        return { id: savedId, errors: [] };
      } catch (error) {
        if (isUniqueViolation(error))
          return { errors: [{ field: 'slug', key: 'staff.content.errors.slugTaken' }] };
        throw error;
      }
    },

    async setStatus(
      id: number,
      status: 'draft' | 'published',
      actorId: number,
      context: AuditContext,
    ): Promise<void> {
      await db.transaction(async (trx) => {
        const before = await find(id, trx);
        if (before.status === status) return;
        await trx(type.table).where({ id }).update({ status, updated_at: trx.fn.now() });
        await recordAudit(
          trx,
          {
            action: `${type.entity}.${status === 'published' ? 'published' : 'unpublished'}`,
            actorId,
            entity: { type: type.entity, id },
          },
          context,
        );
      });
      changed();
    },

    /** Swaps an item with its neighbour in the public order. */
    async move(
      id: number,
      direction: 'up' | 'down',
      actorId: number,
      context: AuditContext,
    ): Promise<void> {
      await db.transaction(async (trx) => {
        const rows = (await trx(type.table)
          .select('id', 'position')
          .orderBy(['position', 'id'])
          .forUpdate()) as { id: number; position: number }[];
        const index = rows.findIndex((r) => r.id === id);
        if (index < 0) throw new NotFoundError();
        const other = rows[direction === 'up' ? index - 1 : index + 1];
        if (!other) return;
        // Positions are renumbered 1..n so that equal positions cannot make the swap a no-op.
        const order = rows.map((r) => r.id);
        [order[index], order[rows.indexOf(other)]] = [other.id, id];
        for (const [position, rowId] of order.entries())
          await trx(type.table)
            .where({ id: rowId })
            .update({ position: position + 1 });
        await recordAudit(
          trx,
          {
            action: `${type.entity}.reordered`,
            actorId,
            entity: { type: type.entity, id },
            details: { direction },
          },
          context,
        );
      });
      changed();
    },
  };
}

export type ContentEditor = ReturnType<typeof createContentEditor>;

import type { FieldError } from '../../../lib/errors.ts';
import type { ContentRow } from './content.repository.ts';
import type { ContentGroup, ContentType } from './content-types.ts';

export type FormValues = Record<string, string>;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LINK = /^(.+?)\s*\|\s*(https?:\/\/\S+)$/;

/** The form's values: each field, with `_el`/`_en` for those in both languages; links one a line. */
export function readContentForm(body: unknown): FormValues {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(
      ([, v]) => typeof v === 'string',
    ),
  ) as FormValues;
}

/** Form values -> a row, or errors at the fields. */
export function parseContentForm(
  type: ContentType,
  values: FormValues,
  groups: readonly ContentGroup[],
): { row?: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const row: Record<string, unknown> = {};
  const slug = (values.slug ?? '').trim();
  if (!SLUG.test(slug) || slug.length > 100)
    errors.push({ field: 'slug', key: 'staff.content.errors.slug' });
  row.slug = slug;
  const group = (values[type.grouping.field] ?? '').trim();
  if (!groups.some((g) => g.value === group))
    errors.push({ field: type.grouping.field, key: 'staff.content.errors.group' });
  row[type.grouping.column] = type.grouping.byId ? Number(group) : group;
  for (const field of type.fields) {
    const el = (values[field.localized ? `${field.name}_el` : field.name] ?? '').trim();
    const en = field.localized ? (values[`${field.name}_en`] ?? '').trim() : '';
    const max = field.kind === 'markdown' ? 20_000 : field.kind === 'textarea' ? 2000 : 300;
    const at = field.localized ? `${field.name}_el` : field.name;
    if (field.required && !el) errors.push({ field: at, key: 'staff.content.errors.required' });
    if (el.length > max || en.length > max)
      errors.push({ field: at, key: 'staff.content.errors.tooLong' });
    row[field.name] = field.localized ? JSON.stringify(en ? { el, en } : { el }) : el;
  }
  if (type.hasLinks) {
    const links = parseLinks(values.links ?? '');
    if (!links) errors.push({ field: 'links', key: 'staff.content.errors.links' });
    row.links = JSON.stringify(links ?? []);
  }
  return errors.length ? { errors } : { row, errors };
}

/** `Label | https://…`, one a line; undefined if a line is not one. */
function parseLinks(text: string): { label: { el: string }; url: string }[] | undefined {
  const links = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = LINK.exec(line);
    if (!match) return undefined;
    links.push({ label: { el: match[1]! }, url: match[2]! });
  }
  return links;
}

/** A stored item as the form shows it. */
export function contentFormValues(type: ContentType, row: ContentRow): FormValues {
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
}

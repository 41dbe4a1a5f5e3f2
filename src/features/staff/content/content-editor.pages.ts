import type { Request, Response } from 'express';
import type { Db } from '../../../db/knex.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { presentErrors } from '../../../lib/form.ts';
import { pick } from '../../../lib/localized.ts';
import { renderMarkdown } from '../../../lib/markdown.ts';
import { idParam } from '../../../lib/params.ts';
import { historyOf } from '../../audit/audit.repository.ts';
import { findContentItem } from './content-editor.service.ts';
import type { FormValues } from './content-form.ts';
import type { ContentType } from './content-types.ts';
import { listContent } from './content.repository.ts';

/** Where the type's screens live: /staff/benefits, /staff/health. */
export const baseOf = (type: ContentType) => `/staff/${type.key}`;

/** The grouping field's choices, named in the page's language. */
async function groupOptions(db: Db, type: ContentType, req: Request) {
  return (await type.groups(db)).map((g) => ({
    value: g.value,
    label: 'labelKey' in g ? req.t(g.labelKey) : pick(g.label, req.lang),
  }));
}

export async function renderContentForm(
  db: Db,
  type: ContentType,
  req: Request,
  res: Response,
  options: {
    id?: number;
    status?: string;
    values: FormValues;
    errors: FieldError[];
    preview?: boolean;
  },
  status = 200,
): Promise<void> {
  const previews = options.preview
    ? type.fields
        .filter((f) => f.kind === 'markdown')
        .map((f) => ({ name: f.name, html: renderMarkdown(options.values[`${f.name}_el`] ?? '') }))
    : [];
  res.status(status).render('staff/content/views/form', {
    pageTitle: req.t(
      options.id ? `staff.content.${type.key}.editTitle` : `staff.content.${type.key}.newTitle`,
    ),
    contentType: type,
    base: baseOf(type),
    id: options.id,
    itemStatus: options.status,
    values: options.values,
    groups: await groupOptions(db, type, req),
    previews,
    ...presentErrors(req, options.errors),
  });
}

export async function renderContentList(
  db: Db,
  type: ContentType,
  req: Request,
  res: Response,
): Promise<void> {
  const rows = await listContent(db, type.table);
  res.render('staff/content/views/list', {
    pageTitle: req.t(`staff.content.${type.key}.title`),
    contentType: type,
    base: baseOf(type),
    rows: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      status: r.status,
      title: pick(r.title, req.lang),
    })),
  });
}

/** Taking a live page off the public site is asked about first, on a page of its own. */
export async function renderUnpublishConfirm(
  db: Db,
  type: ContentType,
  req: Request,
  res: Response,
): Promise<void> {
  const base = baseOf(type);
  const row = await findContentItem(db, type, idParam(req));
  if (row.status !== 'published') return res.redirect(303, `${base}/${row.id}`);
  res.render('staff/confirm', {
    pageTitle: req.t('staff.content.unpublishConfirm.title'),
    breadcrumbs: [
      { href: base, text: req.t(`staff.content.${type.key}.title`) },
      { href: `${base}/${row.id}`, text: pick(row.title, req.lang) },
    ],
    title: req.t('staff.content.unpublishConfirm.title'),
    itemName: pick(row.title, req.lang),
    lead: req.t('staff.content.unpublishConfirm.lead'),
    action: `${base}/${row.id}/unpublish`,
    yes: req.t('staff.content.unpublishConfirm.yes'),
    cancel: req.t('staff.content.unpublishConfirm.cancel'),
    cancelHref: `${base}/${row.id}`,
  });
}

export async function renderContentHistory(
  db: Db,
  type: ContentType,
  req: Request,
  res: Response,
): Promise<void> {
  const row = await findContentItem(db, type, idParam(req));
  res.render('staff/history', {
    pageTitle: req.t('staff.history.title'),
    itemTitle: pick(row.title, req.lang),
    backHref: `${baseOf(type)}/${row.id}`,
    entries: await historyOf(db, { type: type.entity, id: row.id }),
  });
}

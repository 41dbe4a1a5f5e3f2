import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { pick } from '../../../lib/localized.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { CATEGORY_GROUPS } from '../categories.repository.ts';
import {
  findAnyCategory,
  listAllCategories,
  listDepartments,
  type SettingsCategoryRow,
} from './settings.repository.ts';
import { SETTINGS, settingsCrumb } from './settings-departments.pages.ts';

export const CATEGORY_FIELDS = [
  'nameEl',
  'nameEn',
  'slug',
  'group',
  'department',
  'deadlineDays',
  'mayBePublic',
  'publicLocation',
  'active',
  'position',
] as const;
export type CategoryForm = Record<(typeof CATEGORY_FIELDS)[number], string>;

type Db = Pick<Deps, 'db'>;

/** The categories under their groups, with their departments, deadlines and flags. */
export async function renderCategories(deps: Db, req: Request, res: Response): Promise<void> {
  const categories = await listAllCategories(deps.db);
  const departments = new Map(
    (await listDepartments(deps.db)).map((d) => [d.id, pick(d.name, req.lang)]),
  );
  res.render('requests/staff/views/settings-categories', {
    pageTitle: req.t('requests.settings.categories.title'),
    settingsTab: 'categories',
    groups: CATEGORY_GROUPS.map((group) => ({
      key: group,
      categories: categories
        .filter((c) => c.group_key === group)
        .map((c) => ({
          ...c,
          name: pick(c.name, req.lang),
          department: departments.get(c.department_id) ?? '',
        })),
    })),
  });
}

const formOf = (category: SettingsCategoryRow): CategoryForm => ({
  nameEl: category.name.el ?? '',
  nameEn: category.name.en ?? '',
  slug: category.slug,
  group: category.group_key,
  department: String(category.department_id),
  deadlineDays: String(category.deadline_days),
  mayBePublic: category.may_be_public ? 'yes' : '',
  publicLocation: category.public_location,
  active: category.active ? 'yes' : '',
  position: String(category.position),
});

/**
 * A category's form: new (id undefined) or an existing one. `values` are the form's as sent when
 * it comes back with errors; otherwise the stored ones (or a new category's defaults).
 */
export async function renderCategory(
  deps: Db,
  req: Request,
  res: Response,
  id: number | undefined,
  form: { values?: CategoryForm; errors?: FieldError[] } = {},
): Promise<void> {
  const errors = form.errors ?? [];
  const category = id === undefined ? undefined : await findAnyCategory(deps.db, id);
  if (id !== undefined && !category) throw new NotFoundError();
  const action = id === undefined ? `${SETTINGS}/categories/new` : `${SETTINGS}/categories/${id}`;
  const defaults: Partial<CategoryForm> = {
    deadlineDays: '10',
    mayBePublic: 'yes',
    publicLocation: 'exact',
    active: 'yes',
    position: String((await listAllCategories(deps.db)).length),
  };
  languageSwitchFrom(res, action);
  res.status(errors.length ? 400 : 200).render('requests/staff/views/settings-category', {
    pageTitle: category
      ? pick(category.name, req.lang)
      : req.t('requests.settings.categories.newTitle'),
    breadcrumbs: [
      settingsCrumb(req),
      { href: `${SETTINGS}/categories`, text: req.t('requests.settings.categories.title') },
    ],
    action,
    isNew: !category,
    values: form.values ?? (category ? formOf(category) : defaults),
    groups: CATEGORY_GROUPS.map((g) => ({ value: g, text: req.t(`requests.groups.${g}`) })),
    departments: (await listDepartments(deps.db)).map((d) => ({
      value: d.id,
      text: pick(d.name, req.lang),
    })),
    ...presentFormErrors(req, errors),
  });
}

import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { pick } from '../../../lib/localized.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import {
  departmentUsage,
  findDepartment,
  handlerCandidates,
  listDepartments,
  membersOf,
  type DepartmentRow,
} from './settings.repository.ts';

export const SETTINGS = '/staff/requests/settings';
export const DEPARTMENT_FIELDS = ['nameEl', 'nameEn', 'slug', 'email'] as const;
export type DepartmentForm = Record<(typeof DEPARTMENT_FIELDS)[number], string>;

type Db = Pick<Deps, 'db'>;

export const settingsCrumb = (req: Request) => ({
  href: SETTINGS,
  text: req.t('requests.settings.title'),
});

/** The departments, each with its handlers and categories counted. */
export async function renderDepartments(deps: Db, req: Request, res: Response): Promise<void> {
  const departments = await listDepartments(deps.db);
  res.render('requests/staff/views/settings-departments', {
    pageTitle: req.t('requests.settings.title'),
    settingsTab: 'departments',
    departments: departments.map((d) => ({ ...d, name: pick(d.name, req.lang) })),
  });
}

const formOf = (department: DepartmentRow): DepartmentForm => ({
  nameEl: department.name.el ?? '',
  nameEn: department.name.en ?? '',
  slug: department.slug,
  email: department.email ?? '',
});

/** The form for a new department. */
export function renderNewDepartment(
  req: Request,
  res: Response,
  values: Partial<DepartmentForm> = {},
  errors: FieldError[] = [],
): void {
  languageSwitchFrom(res, `${SETTINGS}/departments/new`);
  res.status(errors.length ? 400 : 200).render('requests/staff/views/settings-department', {
    pageTitle: req.t('requests.settings.departments.newTitle'),
    breadcrumbs: [settingsCrumb(req)],
    action: `${SETTINGS}/departments/new`,
    values,
    department: undefined,
    ...presentFormErrors(req, errors),
  });
}

/**
 * A department's page: its form, its handlers (and whom to add), and whether it can be deleted.
 * `values` are the form's as sent when it comes back with errors; otherwise the stored ones.
 */
export async function renderDepartment(
  deps: Db,
  req: Request,
  res: Response,
  id: number,
  form: { values?: DepartmentForm; errors?: FieldError[]; status?: number } = {},
): Promise<void> {
  const department = await findDepartment(deps.db, id);
  if (!department) throw new NotFoundError();
  const errors = form.errors ?? [];
  const href = `${SETTINGS}/departments/${id}`;
  languageSwitchFrom(res, href);
  res
    .status(form.status ?? (errors.length ? 400 : 200))
    .render('requests/staff/views/settings-department', {
      pageTitle: pick(department.name, req.lang),
      breadcrumbs: [settingsCrumb(req)],
      action: href,
      values: form.values ?? formOf(department),
      department: { id, href, name: pick(department.name, req.lang) },
      members: await membersOf(deps.db, id),
      candidates: await handlerCandidates(deps.db, id),
      usage: await departmentUsage(deps.db, id),
      ...presentFormErrors(req, errors),
    });
}

/** Asks before deleting a department (only offered when nothing uses it). */
export async function renderDeleteConfirm(
  deps: Db,
  req: Request,
  res: Response,
  id: number,
): Promise<void> {
  const department = await findDepartment(deps.db, id);
  if (!department) throw new NotFoundError();
  const href = `${SETTINGS}/departments/${id}`;
  res.render('staff/confirm', {
    pageTitle: req.t('requests.settings.departments.deleteTitle'),
    breadcrumbs: [settingsCrumb(req), { href, text: pick(department.name, req.lang) }],
    title: req.t('requests.settings.departments.deleteTitle'),
    itemName: pick(department.name, req.lang),
    lead: req.t('requests.settings.departments.deleteLead'),
    action: `${href}/delete`,
    yes: req.t('requests.settings.departments.deleteYes'),
    cancel: req.t('requests.settings.cancel'),
    cancelHref: href,
  });
}

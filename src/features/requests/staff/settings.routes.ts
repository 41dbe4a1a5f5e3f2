import { Router, type Request, type RequestHandler } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { parseForm } from '../../../lib/forms.ts';
import { idParam } from '../../../lib/params.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { CATEGORY_FIELDS, renderCategories, renderCategory } from './settings-categories.pages.ts';
import {
  DEPARTMENT_FIELDS,
  SETTINGS,
  renderDeleteConfirm,
  renderDepartment,
  renderDepartments,
  renderNewDepartment,
} from './settings-departments.pages.ts';
import { categorySchema, departmentSchema, handlerSchema } from './settings.schemas.ts';
import {
  addHandler,
  removeDepartment,
  removeHandler,
  saveCategory,
  saveDepartment,
  type SettingsDeps,
} from './settings.service.ts';

/** A route's numeric parameter other than :id (404 for anything else). */
function numberParam(req: Request, name: string): number {
  const text = String(req.params[name]);
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFoundError();
  return Number(text);
}

/**
 * /staff/requests/settings (admins): the departments with their handlers, and the categories
 * citizens choose from. Every change is audited; reply templates have a page of their own.
 */
export function createRequestSettingsRouter(deps: Deps): Router {
  const router = Router();
  router.get('/', (req, res) => renderDepartments(deps, req, res));
  router.get('/departments/new', (req, res) => renderNewDepartment(req, res));
  router.post('/departments/new', saveDepartmentForm(deps, false));
  router.get('/departments/:id', (req, res) => renderDepartment(deps, req, res, idParam(req)));
  router.post('/departments/:id', saveDepartmentForm(deps, true));
  router.post('/departments/:id/handlers', addHandlerForm(deps));
  router.post('/departments/:id/handlers/:user/remove', removeHandlerForm(deps));
  router.get('/departments/:id/delete', (req, res) =>
    renderDeleteConfirm(deps, req, res, idParam(req)),
  );
  router.post('/departments/:id/delete', deleteDepartmentForm(deps));
  router.get('/categories', (req, res) => renderCategories(deps, req, res));
  router.get('/categories/new', (req, res) => renderCategory(deps, req, res, undefined));
  router.post('/categories/new', saveCategoryForm(deps, false));
  router.get('/categories/:id', (req, res) => renderCategory(deps, req, res, idParam(req)));
  router.post('/categories/:id', saveCategoryForm(deps, true));
  return router;
}

function saveDepartmentForm(deps: SettingsDeps, existing: boolean): RequestHandler {
  return async (req, res) => {
    const id = existing ? idParam(req) : undefined;
    const values = formFields(req.body, DEPARTMENT_FIELDS);
    const parsed = parseForm(departmentSchema, values);
    const saved = parsed.ok
      ? await saveDepartment(deps, id, parsed.data, req.user!.id, auditContext(req))
      : { errors: parsed.errors };
    if (saved.errors.length) {
      if (id === undefined) return renderNewDepartment(req, res, values, saved.errors);
      return renderDepartment(deps, req, res, id, { values, errors: saved.errors });
    }
    req.session.flash = { key: 'requests.settings.done.departmentSaved' };
    res.redirect(303, `${SETTINGS}/departments/${saved.id!}`);
  };
}

function addHandlerForm(deps: SettingsDeps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    const parsed = parseForm(handlerSchema, formFields(req.body, ['user']));
    const errors = parsed.ok
      ? await addHandler(deps, id, parsed.data.user, req.user!.id, auditContext(req))
      : parsed.errors;
    if (errors.length) return renderDepartment(deps, req, res, id, { errors });
    req.session.flash = { key: 'requests.settings.done.handlerAdded' };
    res.redirect(303, `${SETTINGS}/departments/${id}`);
  };
}

function removeHandlerForm(deps: SettingsDeps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    await removeHandler(deps, id, numberParam(req, 'user'), req.user!.id, auditContext(req));
    req.session.flash = { key: 'requests.settings.done.handlerRemoved' };
    res.redirect(303, `${SETTINGS}/departments/${id}`);
  };
}

/** Deletes once confirmed (the confirmation page sends confirm=yes); refused while in use. */
function deleteDepartmentForm(deps: SettingsDeps): RequestHandler {
  return async (req, res) => {
    const id = idParam(req);
    if (formFields(req.body, ['confirm']).confirm !== 'yes')
      return res.redirect(303, `${SETTINGS}/departments/${id}/delete`);
    const errors = await removeDepartment(deps, id, req.user!.id, auditContext(req));
    if (errors.length) return renderDepartment(deps, req, res, id, { errors, status: 409 });
    req.session.flash = { key: 'requests.settings.done.departmentDeleted' };
    res.redirect(303, SETTINGS);
  };
}

function saveCategoryForm(deps: SettingsDeps, existing: boolean): RequestHandler {
  return async (req, res) => {
    const id = existing ? idParam(req) : undefined;
    const values = formFields(req.body, CATEGORY_FIELDS);
    const parsed = parseForm(categorySchema, values);
    const saved = parsed.ok
      ? await saveCategory(deps, id, parsed.data, req.user!.id, auditContext(req))
      : { errors: parsed.errors };
    if (saved.errors.length)
      return renderCategory(deps, req, res, id, { values, errors: saved.errors });
    req.session.flash = { key: 'requests.settings.done.categorySaved' };
    res.redirect(303, `${SETTINGS}/categories/${saved.id!}`);
  };
}

import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formFields, presentErrors } from '../../../lib/form.ts';
import { parseForm } from '../../../lib/forms.ts';
import { pick } from '../../../lib/localized.ts';
import { idParam } from '../../../lib/params.ts';
import { bindDeps } from '../../../lib/bind-deps.ts';
import { auditContext, historyOf } from '../../audit/audit.repository.ts';
import { listCategoriesWithDepartments } from './handling.repository.ts';
import { settingsCrumb } from './settings-departments.pages.ts';
import { TEMPLATE_FIELDS, templateSchema } from './templates.schemas.ts';
import { findTemplate, listTemplates, type ReplyTemplateRow } from './templates.repository.ts';
import {
  createTemplate,
  setTemplateActive,
  TEMPLATE_ENTITY,
  updateTemplate,
} from './templates.service.ts';

/** Where the admins' pages live (a staff section of its own, role admin). */
export const TEMPLATES_PATH = '/staff/requests/settings/templates';

type Values = Record<(typeof TEMPLATE_FIELDS)[number], string>;

/** The template's title in the page's language (the Greek one when it has no English title). */
const titleIn = (req: Request, t: Pick<ReplyTemplateRow, 'title_el' | 'title_en'>) =>
  req.lang === 'en' && t.title_en ? t.title_en : t.title_el;

const valuesOf = (t: ReplyTemplateRow): Values => ({
  category: t.category_id ? String(t.category_id) : '',
  titleEl: t.title_el,
  titleEn: t.title_en ?? '',
  bodyEl: t.body_el,
  bodyEn: t.body_en ?? '',
  position: String(t.position),
});

/**
 * /staff/requests/settings/templates (admins): the reply templates handlers answer from; list,
 * add, edit, deactivate and bring back, each audited, with the template's history.
 */
export function createTemplatesRouter(deps: Deps): Router {
  const service = bindDeps(deps, { createTemplate, updateTemplate, setTemplateActive });
  const router = Router();
  router.get('/', (req, res) => renderList(deps, req, res));
  router.get('/new', (req, res) => renderForm(deps, req, res, { values: { position: '0' } }));
  router.post('/new', async (req: Request, res: Response) => {
    const values = formFields(req.body, TEMPLATE_FIELDS);
    const parsed = parseForm(templateSchema, values);
    const result = parsed.ok
      ? await service.createTemplate(req.user!.id, parsed.data, auditContext(req))
      : { errors: parsed.errors };
    if ('errors' in result) return renderForm(deps, req, res, { values, errors: result.errors });
    req.session.flash = { key: 'requests.templates.created' };
    res.redirect(303, TEMPLATES_PATH);
  });
  router.get('/:id', async (req, res) => {
    const template = await templateOf(deps, req);
    await renderForm(deps, req, res, { template, values: valuesOf(template) });
  });
  router.post('/:id', async (req: Request, res: Response) => {
    const template = await templateOf(deps, req);
    const values = formFields(req.body, TEMPLATE_FIELDS);
    const parsed = parseForm(templateSchema, values);
    const errors = parsed.ok
      ? await service.updateTemplate(req.user!.id, template.id, parsed.data, auditContext(req))
      : parsed.errors;
    if (errors.length) return renderForm(deps, req, res, { template, values, errors });
    req.session.flash = { key: 'requests.templates.saved' };
    res.redirect(303, TEMPLATES_PATH);
  });
  for (const [path, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const)
    router.post(`/:id/${path}`, async (req: Request, res: Response) => {
      const template = await templateOf(deps, req);
      await service.setTemplateActive(req.user!.id, template.id, active, auditContext(req));
      req.session.flash = { key: `requests.templates.${path}d` };
      res.redirect(303, `${TEMPLATES_PATH}/${template.id}`);
    });
  router.get('/:id/history', async (req, res) => {
    const template = await templateOf(deps, req);
    res.render('staff/history', {
      pageTitle: req.t('staff.history.title'),
      itemTitle: titleIn(req, template),
      backHref: `${TEMPLATES_PATH}/${template.id}`,
      entries: await historyOf(deps.db, { type: TEMPLATE_ENTITY, id: template.id }),
    });
  });
  return router;
}

async function templateOf(deps: Pick<Deps, 'db'>, req: Request): Promise<ReplyTemplateRow> {
  const template = await findTemplate(deps.db, idParam(req));
  if (!template) throw new NotFoundError();
  return template;
}

async function renderList(deps: Pick<Deps, 'db'>, req: Request, res: Response): Promise<void> {
  const rows = await listTemplates(deps.db);
  res.render('requests/staff/views/templates', {
    pageTitle: req.t('requests.templates.title'),
    settingsTab: 'templates',
    base: TEMPLATES_PATH,
    templates: rows.map((t) => ({
      href: `${TEMPLATES_PATH}/${t.id}`,
      title: titleIn(req, t),
      category: t.category_name
        ? pick(t.category_name, req.lang)
        : req.t('requests.templates.everyCategory'),
      languages: req.t(
        t.body_en ? 'requests.templates.bothLanguages' : 'requests.templates.greekOnly',
      ),
      active: t.active,
      position: t.position,
    })),
  });
}

/** The category choices, grouped by department; a template's inactive category stays offered. */
async function categoryGroups(deps: Pick<Deps, 'db'>, req: Request, keep: number | null) {
  const groups = new Map<string, { value: string; text: string }[]>();
  for (const c of await listCategoriesWithDepartments(deps.db, { alsoId: keep })) {
    const label = pick(c.department_name, req.lang);
    groups.set(label, [
      ...(groups.get(label) ?? []),
      { value: String(c.id), text: pick(c.name, req.lang) },
    ]);
  }
  return [...groups].map(([label, options]) => ({ label, options }));
}

async function renderForm(
  deps: Pick<Deps, 'db'>,
  req: Request,
  res: Response,
  form: { template?: ReplyTemplateRow; values: Partial<Values>; errors?: FieldError[] },
): Promise<void> {
  const errors = form.errors ?? [];
  const template = form.template;
  res.status(errors.length ? 400 : 200).render('requests/staff/views/template-form', {
    pageTitle: template
      ? `${req.t('requests.templates.edit')}: ${titleIn(req, template)}`
      : req.t('requests.templates.new'),
    breadcrumbs: [
      settingsCrumb(req),
      { href: TEMPLATES_PATH, text: req.t('requests.templates.title') },
    ],
    action: template ? `${TEMPLATES_PATH}/${template.id}` : `${TEMPLATES_PATH}/new`,
    template: template ? { id: template.id, active: template.active } : null,
    groups: await categoryGroups(deps, req, template?.category_id ?? null),
    values: form.values,
    ...presentErrors(req, errors),
  });
}

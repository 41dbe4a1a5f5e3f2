import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { formatMoney } from '../../../lib/format.ts';
import { languageSwitchFrom } from '../../../middleware/language.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import type { ModuleContext } from '../../module.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { listTypes, typeByCode, type CertificateTypeRow } from '../certificates.repository.ts';
import {
  DELIVERY_METHODS,
  EMPTY_FORM,
  formOfType,
  readTypeForm,
  saveType,
  TEMPLATES,
  type TypeForm,
} from './catalogue.service.ts';

export const CATALOGUE = '/staff/certificates/catalogue';
const CODE_PARAM = /^[a-z][a-z0-9_]{1,39}$/;

/** The catalogue of certificate types (admin): /staff/certificates/catalogue. */
export function createCatalogueRouter(ctx: ModuleContext): Router {
  const { deps } = ctx;
  const router = Router();
  router.get('/', async (req, res) => {
    const types = await listTypes(deps.db);
    res.render('certificates/staff/views/catalogue', {
      pageTitle: req.t('certificates.staff.catalogue.title'),
      types: types.map((type) => presentType(req, type)),
    });
  });
  router.get('/new', (req, res) => renderType(deps, req, res, undefined));
  router.post('/new', save(deps, false));
  router.get('/:code', (req, res) => renderType(deps, req, res, codeParam(req)));
  router.post('/:code', save(deps, true));
  return router;
}

function codeParam(req: Request): string {
  const code = String(req.params.code);
  if (!CODE_PARAM.test(code)) throw new NotFoundError();
  return code;
}

function presentType(req: Request, type: CertificateTypeRow) {
  const k = (key: string) => req.t(`certificates.staff.catalogue.${key}`);
  return {
    code: type.code,
    name: req.lang === 'en' ? type.name_en : type.name_el,
    template: k(`templates.${type.template}`),
    who: k(`whoShort.${type.who}`),
    issueMode: k(`issueMode.${type.issue_mode}`),
    deadline:
      type.issue_mode === 'instant'
        ? '—'
        : req.t('certificates.staff.catalogue.days', { count: type.deadline_days }),
    fee: type.fee_cents ? formatMoney(type.fee_cents, req.lang) : k('free'),
    feeOffline: type.fee_cents > 0,
    validity: type.validity_months
      ? req.t('certificates.staff.catalogue.months', { count: type.validity_months })
      : k('noExpiry'),
    delivery: type.delivery_methods
      .map((m) => req.t(`certificates.staff.delivery.${m}`))
      .join(', '),
    byPhone: type.by_phone,
    active: type.active,
  };
}

async function renderType(
  deps: Pick<Deps, 'db'>,
  req: Request,
  res: Response,
  code: string | undefined,
  form: { values?: TypeForm; errors?: FieldError[] } = {},
): Promise<void> {
  const type = code === undefined ? undefined : await typeByCode(deps.db, code);
  if (code !== undefined && !type) throw new NotFoundError();
  const errors = form.errors ?? [];
  const action = type ? `${CATALOGUE}/${type.code}` : `${CATALOGUE}/new`;
  languageSwitchFrom(res, action);
  res.status(errors.length ? 400 : 200).render('certificates/staff/views/type', {
    pageTitle: type
      ? req.t('certificates.staff.catalogue.editTitle', {
          name: req.lang === 'en' ? type.name_en : type.name_el,
        })
      : req.t('certificates.staff.catalogue.newTitle'),
    breadcrumbs: [{ href: CATALOGUE, text: req.t('certificates.staff.catalogue.title') }],
    action,
    existing: type ? { code: type.code, template: type.template } : undefined,
    values: form.values ?? (type ? formOfType(type) : EMPTY_FORM),
    templates: TEMPLATES,
    deliveryMethods: DELIVERY_METHODS,
    ...presentFormErrors(req, errors),
  });
}

function save(deps: Pick<Deps, 'db' | 'clock'>, existing: boolean): RequestHandler {
  return async (req, res) => {
    const code = existing ? codeParam(req) : undefined;
    const values = readTypeForm(req.body);
    const saved = await saveType(deps, code, values, req.user!.id, auditContext(req));
    if (saved === 'not-found') throw new NotFoundError();
    if (saved.errors.length)
      return renderType(deps, req, res, code, { values, errors: saved.errors });
    req.session.flash = {
      key: existing
        ? 'certificates.staff.catalogue.done.updated'
        : 'certificates.staff.catalogue.done.created',
      params: { code: saved.code ?? '' },
    };
    res.redirect(303, CATALOGUE);
  };
}

import { Router, type Request, type Response } from 'express';
import type { Db } from '../../../db/knex.ts';
import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { formFields } from '../../../lib/form.ts';
import { athensDateTime } from '../../../lib/format.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { auditContext } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { apiScopesOf } from '../../registry.ts';
import { findApiKey, listApiKeys, type ApiKeyRow } from '../api-keys.repository.ts';
import { issueApiKey, revokeApiKeyAudited } from '../api-keys.service.ts';

/** /staff/api-keys (admins): the keys of the applications that use the API, new ones, revoking. */
export function createApiKeysRouter(deps: Deps): Router {
  const { db } = deps;
  const scopes = () => apiScopesOf(deps.modules);
  const router = Router();
  router.get('/', (req, res) => renderKeyList(db, req, res, scopes().length > 0));
  router.get('/new', (req, res) => renderNew(req, res, scopes(), { appName: '', scopes: [] }, []));
  router.post('/new', (req, res) => createKey(db, scopes(), req, res));
  router.get('/:id/revoke', async (req, res) => {
    const key = await keyFor(db, req);
    if (key.revoked_at) return res.redirect(303, '/staff/api-keys');
    renderRevokeConfirm(req, res, key);
  });
  router.post('/:id/revoke', async (req, res) => {
    const key = await keyFor(db, req);
    if (formFields(req.body, ['confirm']).confirm !== 'yes')
      return res.redirect(303, `/staff/api-keys/${key.id}/revoke`);
    await revokeApiKeyAudited(db, key, deps.clock.now(), req.user!.id, auditContext(req));
    req.session.flash = { key: 'staff.apiKeys.revoked' };
    res.redirect(303, '/staff/api-keys');
  });
  return router;
}

const when = (date: Date | null) => (date ? athensDateTime(date) : '');

const breadcrumbs = (req: Request) => [
  { href: '/staff', text: req.t('staff.home.title') },
  { href: '/staff/api-keys', text: req.t('staff.apiKeys.title') },
];

async function keyFor(db: Db, req: Request): Promise<ApiKeyRow> {
  const id = Number(req.params.id);
  const key = Number.isSafeInteger(id) && id > 0 ? await findApiKey(db, id) : undefined;
  if (!key) throw new NotFoundError();
  return key;
}

async function renderKeyList(
  db: Db,
  req: Request,
  res: Response,
  canCreate: boolean,
): Promise<void> {
  const keys = await listApiKeys(db);
  res.render('api/staff/views/index', {
    pageTitle: req.t('staff.apiKeys.title'),
    // No module offers an API yet: no button to a form with nothing to choose.
    canCreate,
    keys: keys.map((key) => ({
      ...key,
      createdAt: when(key.created_at),
      lastUsedAt: when(key.last_used_at),
      revokedAt: when(key.revoked_at),
    })),
  });
}

function renderNew(
  req: Request,
  res: Response,
  allScopes: readonly string[],
  values: { appName: string; scopes: string[] },
  errors: FieldError[],
): void {
  res.status(errors.length ? 400 : 200).render('api/staff/views/new', {
    pageTitle: req.t('staff.apiKeys.newTitle'),
    breadcrumbs: breadcrumbs(req),
    values,
    allScopes,
    ...presentFormErrors(req, errors),
  });
}

/** A key for the application named, with the scopes ticked; shown once. */
async function createKey(
  db: Db,
  allScopes: readonly string[],
  req: Request,
  res: Response,
): Promise<void> {
  const appName = formFields(req.body, ['appName']).appName.trim();
  const asked = ([] as unknown[]).concat((req.body as Record<string, unknown>).scopes ?? []);
  const chosen = allScopes.filter((scope) => asked.includes(scope));
  const errors: FieldError[] = [];
  if (appName.length < 2 || appName.length > 100)
    errors.push({ field: 'appName', key: 'staff.apiKeys.errors.appName' });
  if (!chosen.length) errors.push({ field: 'scopes', key: 'staff.apiKeys.errors.scopes' });
  if (errors.length) return renderNew(req, res, allScopes, { appName, scopes: chosen }, errors);
  const input = { appName, scopes: chosen };
  const { row, key } = await issueApiKey(db, input, req.user!.id, auditContext(req));
  // Shown once: the page is never stored, and the key cannot be seen again.
  res.setHeader('Cache-Control', 'no-store');
  res.render('api/staff/views/created', {
    pageTitle: req.t('staff.apiKeys.createdTitle'),
    breadcrumbs: breadcrumbs(req),
    apiKey: row,
    key,
  });
}

function renderRevokeConfirm(req: Request, res: Response, key: ApiKeyRow): void {
  res.render('staff/confirm', {
    pageTitle: req.t('staff.apiKeys.revokeTitle'),
    title: req.t('staff.apiKeys.revokeTitle'),
    itemName: `${key.app_name} (${key.key_prefix}…)`,
    lead: req.t('staff.apiKeys.revokeLead'),
    action: `/staff/api-keys/${key.id}/revoke`,
    yes: req.t('staff.apiKeys.revoke'),
    cancel: req.t('staff.back'),
    cancelHref: '/staff/api-keys',
    breadcrumbs: breadcrumbs(req),
  });
}

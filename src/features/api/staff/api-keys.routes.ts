import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { formFields } from '../../../lib/form.ts';
import { athensDateTime } from '../../../lib/format.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { auditContext, recordAudit } from '../../audit/audit.repository.ts';
import { presentFormErrors } from '../../staff/form-errors.ts';
import { apiScopesOf } from '../../registry.ts';
import {
  createApiKey,
  findApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRow,
} from '../api-keys.repository.ts';

/** /staff/api-keys (admins): the keys of the applications that use the API, new ones, revoking. */
export function createApiKeysRouter(deps: Deps): Router {
  const router = Router();
  const scopes = () => apiScopesOf(deps.modules);
  const when = (date: Date | null) => (date ? athensDateTime(date) : '');
  const breadcrumbs = (req: Request) => [
    { href: '/staff', text: req.t('staff.home.title') },
    { href: '/staff/api-keys', text: req.t('staff.apiKeys.title') },
  ];

  router.get('/', async (req, res) => {
    const keys = await listApiKeys(deps.db);
    res.render('staff/api-keys/index', {
      pageTitle: req.t('staff.apiKeys.title'),
      keys: keys.map((key) => ({
        ...key,
        createdAt: when(key.created_at),
        lastUsedAt: when(key.last_used_at),
        revokedAt: when(key.revoked_at),
      })),
    });
  });

  const renderNew = (
    req: Request,
    res: Response,
    values: { appName: string; scopes: string[] },
    errors: { field: string; key: string }[],
  ) => {
    res.status(errors.length ? 400 : 200).render('staff/api-keys/new', {
      pageTitle: req.t('staff.apiKeys.newTitle'),
      breadcrumbs: breadcrumbs(req),
      values,
      allScopes: scopes(),
      ...presentFormErrors(req, errors),
    });
  };
  router.get('/new', (req, res) => renderNew(req, res, { appName: '', scopes: [] }, []));
  router.post('/new', async (req, res) => {
    const appName = formFields(req.body, ['appName']).appName.trim();
    const asked = ([] as unknown[]).concat((req.body as Record<string, unknown>).scopes ?? []);
    const chosen = scopes().filter((scope) => asked.includes(scope));
    const errors = [];
    if (appName.length < 2 || appName.length > 100)
      errors.push({ field: 'appName', key: 'staff.apiKeys.errors.appName' });
    if (!chosen.length) errors.push({ field: 'scopes', key: 'staff.apiKeys.errors.scopes' });
    if (errors.length) return renderNew(req, res, { appName, scopes: chosen }, errors);
    const { row, key } = await deps.db.transaction(async (trx) => {
      const created = await createApiKey(trx, { appName, scopes: chosen, createdBy: req.user!.id });
      await recordAudit(
        trx,
        {
          action: 'api_key.created',
          actorId: req.user!.id,
          entity: { type: 'api_key', id: created.row.id },
          details: { appName, scopes: chosen, prefix: created.row.key_prefix },
        },
        auditContext(req),
      );
      return created;
    });
    // Shown once: the page is never stored, and the key cannot be seen again.
    res.setHeader('Cache-Control', 'no-store');
    res.render('staff/api-keys/created', {
      pageTitle: req.t('staff.apiKeys.createdTitle'),
      breadcrumbs: breadcrumbs(req),
      apiKey: row,
      key,
    });
  });

  const keyFor = async (req: Request): Promise<ApiKeyRow> => {
    const id = Number(req.params.id);
    const key = Number.isSafeInteger(id) && id > 0 ? await findApiKey(deps.db, id) : undefined;
    if (!key) throw new NotFoundError();
    return key;
  };
  router.get('/:id/revoke', async (req, res) => {
    const key = await keyFor(req);
    if (key.revoked_at) return res.redirect(303, '/staff/api-keys');
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
  });
  router.post('/:id/revoke', async (req, res) => {
    const key = await keyFor(req);
    if (formFields(req.body, ['confirm']).confirm !== 'yes')
      return res.redirect(303, `/staff/api-keys/${key.id}/revoke`);
    await deps.db.transaction(async (trx) => {
      if (await revokeApiKey(trx, key.id, deps.clock.now()))
        await recordAudit(
          trx,
          {
            action: 'api_key.revoked',
            actorId: req.user!.id,
            entity: { type: 'api_key', id: key.id },
            details: { appName: key.app_name, prefix: key.key_prefix },
          },
          auditContext(req),
        );
    });
    req.session.flash = { key: 'staff.apiKeys.revoked' };
    res.redirect(303, '/staff/api-keys');
  });
  return router;
}

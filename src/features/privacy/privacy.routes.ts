import { promisify } from 'node:util';
import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDate, formatDateTime } from '../../lib/format.ts';
import { consumeLink, checkLink } from '../../lib/one-time-links.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import type { ModuleContext } from '../module.ts';
import { auditContext, recordAudit } from '../audit/audit.repository.ts';
import { checkDeletionLink, deleteAccount, requestDeletion } from './account-deletion.ts';
import {
  EXPORT_LINK,
  latestExport,
  megabytes,
  requestExport,
  type DataExport,
} from './data-export.ts';

const NEXT = { href: '/account/data', textKey: 'privacy.data.askAgain' };

/**
 * /account/data: the citizen's download (asked for here, prepared by a job, sent as a one-time
 * link); /account/delete: deleting the account, confirmed from an email.
 */
export function createPrivacyRouter({ deps }: ModuleContext): Router {
  const router = Router();
  const lang = (req: Request) => req.lang;

  const renderData = async (req: Request, res: Response, refused?: string, status = 200) => {
    const latest = await latestExport(deps.db, req.user!.id);
    res.status(status).render('privacy/views/data', {
      pageTitle: req.t('privacy.data.title'),
      latest: latest && {
        status: latest.status,
        requested: formatDateTime(latest.requested_at, lang(req)),
        expires: latest.expires_at ? formatDateTime(latest.expires_at, lang(req)) : null,
        size: latest.file_bytes ? megabytes(latest.file_bytes, lang(req), req.t) : null,
      },
      email: req.user!.email,
      errors: refused ? [{ href: '#prepare', text: req.t(`privacy.data.refused.${refused}`) }] : [],
    });
  };

  router.get('/account/data', requireCitizen, (req, res) => renderData(req, res));
  router.post('/account/data', requireCitizen, async (req, res) => {
    // The mail goes in the account's language, as every other mail to it does.
    const result = await requestExport(deps, req.user!.id, req.user!.lang, auditContext(req));
    if ('refused' in result)
      await renderData(req, res, result.refused, result.refused === 'tooMany' ? 429 : 409);
    else res.redirect(303, '/account/data');
  });

  const readyExport = async (req: Request) => {
    const link = await checkLink(deps.db, String(req.params.token), {
      purpose: EXPORT_LINK,
      now: deps.clock.now(),
      next: NEXT,
    });
    if (link.user_id !== req.user!.id) throw new NotFoundError();
    const row = (await deps
      .db('data_exports')
      .where({ link_id: link.id, status: 'ready' })
      .first()) as DataExport | undefined;
    if (!row) throw new NotFoundError();
    return row;
  };
  router.get('/account/data/download/:token', requireCitizen, async (req, res) => {
    const row = await readyExport(req);
    res.render('privacy/views/download', {
      pageTitle: req.t('privacy.download.title'),
      token: req.params.token,
      size: megabytes(row.file_bytes ?? 0, lang(req), req.t),
      prepared: formatDateTime(row.ready_at!, lang(req)),
    });
  });
  // The link is used by the button, not by opening it: a mail scanner that follows links spends nothing.
  router.post('/account/data/download/:token', requireCitizen, async (req, res) => {
    await readyExport(req);
    const row = await deps.db.transaction(async (trx) => {
      const link = await consumeLink(trx, String(req.params.token), {
        purpose: EXPORT_LINK,
        now: deps.clock.now(),
        next: NEXT,
      });
      const [updated] = (await trx('data_exports')
        .where({ link_id: link.id, user_id: req.user!.id, status: 'ready' })
        .update({ status: 'downloaded', downloaded_at: deps.clock.now() })
        .returning('*')) as DataExport[];
      if (!updated) throw new NotFoundError();
      await recordAudit(
        trx,
        { action: 'privacy.export_downloaded', userId: req.user!.id },
        auditContext(req),
      );
      return updated;
    });
    const day = athensDate(row.ready_at!);
    res.setHeader('Cache-Control', 'no-store');
    res.download(deps.documents.pathOf(row.file_key!), `my-data-${day}.zip`, { dotfiles: 'allow' });
  });

  router.get('/account/delete', requireCitizen, (req, res) => {
    res.render('privacy/views/delete', {
      pageTitle: req.t('privacy.delete.title'),
      staff: req.user!.roles.length > 0,
      sent: req.query.sent === '1',
      email: req.user!.email,
      modules: deps.modules,
    });
  });
  router.post('/account/delete', requireCitizen, async (req, res) => {
    await requestDeletion(deps, req.user!, auditContext(req));
    res.redirect(303, '/account/delete?sent=1');
  });
  router.get('/account/delete/confirm/:token', requireCitizen, async (req, res) => {
    await checkDeletionLink(deps, String(req.params.token), req.user!.id);
    res.render('privacy/views/delete-confirm', {
      pageTitle: req.t('privacy.delete.confirm.title'),
      token: req.params.token,
      username: req.user!.username ?? req.user!.email,
    });
  });
  router.post('/account/delete/confirm/:token', requireCitizen, async (req, res) => {
    await deleteAccount(deps, String(req.params.token), req.user!.id, auditContext(req));
    await promisify(req.logout.bind(req))();
    await promisify(req.session.destroy.bind(req.session))();
    res.redirect(303, '/account/deleted');
  });
  router.get('/account/deleted', (req, res) => {
    res.render('privacy/views/deleted', { pageTitle: req.t('privacy.deleted.title') });
  });
  return router;
}

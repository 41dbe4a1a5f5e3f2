import { Router, type Request, type RequestHandler } from 'express';
import { NotFoundError } from '../../lib/errors.ts';
import type { Deps } from '../../deps.ts';
import { formFields } from '../../lib/form.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import { photoUpload, readPhotos } from '../../middleware/photo-upload.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import { citizenRequestOf, renderRequestPage } from './request-page.ts';

/** Only the citizen who filed it comments or reopens; a follower gets 404 like anyone else. */
async function ownRequestOf(deps: Deps, req: Request) {
  const request = await citizenRequestOf(deps, req);
  if (request.following) throw new NotFoundError();
  return request;
}

type RequestsService = Services['requests'];

/** The citizen who filed a request comments on it (with photos) while open, and reopens it within 30 days of closing. */
export function createCitizenUpdatesRouter(
  deps: Deps,
  requests: RequestsService,
  protectUpload: RequestHandler,
): Router {
  const router = Router();
  router.post(
    '/requests/:ref/comment',
    requireCitizen,
    photoUpload('photos', 3),
    protectUpload,
    comment(deps, requests),
  );
  router.post('/requests/:ref/reopen', requireCitizen, reopen(deps, requests));
  return router;
}

function comment(deps: Deps, requests: RequestsService): RequestHandler {
  return async (req, res) => {
    const request = await ownRequestOf(deps, req);
    const values = { comment: formFields(req.body, ['comment']).comment.trim(), reason: '' };
    const tooLong = values.comment.length > 4000;
    const photoError = res.locals.photoError;
    if (tooLong || photoError)
      return renderRequestPage(deps, req, res, request, {
        values,
        errors: tooLong ? [{ field: 'comment', key: 'errors.field.tooLong' }] : [photoError!],
      });
    const read = await readPhotos(res.locals.photoFiles ?? [], 'photos');
    if ('error' in read)
      return renderRequestPage(deps, req, res, request, { values, errors: [read.error] });
    const done = await requests.addComment(
      req.user!,
      request,
      { text: values.comment, photos: read.photos },
      auditContext(req),
    );
    if (!done.ok)
      return renderRequestPage(deps, req, res, request, { values, errors: done.errors });
    req.session.flash = { key: 'requests.comment.added' };
    res.redirect(303, req.originalUrl.replace(/\/comment$/, ''));
  };
}

function reopen(deps: Deps, requests: RequestsService): RequestHandler {
  return async (req, res) => {
    const request = await ownRequestOf(deps, req);
    const reason = formFields(req.body, ['reason']).reason.trim();
    const values = { comment: '', reason };
    if (reason.length > 4000)
      return renderRequestPage(deps, req, res, request, {
        values,
        errors: [{ field: 'reason', key: 'errors.field.tooLong' }],
      });
    const done = await requests.reopenRequest(req.user!, request, reason, auditContext(req));
    if (!done.ok)
      return renderRequestPage(deps, req, res, request, { values, errors: done.errors });
    req.session.flash = { key: 'requests.reopen.done' };
    res.redirect(303, req.originalUrl.replace(/\/reopen$/, ''));
  };
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { athensDate, formatDate } from '../../lib/format.ts';
import { pick } from '../../lib/localized.ts';
import { requireCitizen } from '../../middleware/auth.ts';
import { photoUpload, readPhotos } from '../../middleware/photo-upload.ts';
import { requestPage, requestPhoto } from './request-page.ts';
import { createCitizenUpdatesRouter } from './citizen-updates.routes.ts';
import { locationPage, saveLocation } from './location.pages.ts';
import type { Services } from '../../services.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { HubEntry } from '../hub/hub-entry.ts';
import { formatReference } from './reference.ts';
import { PUBLIC_LIST } from './public-list.present.ts';
import { listCitizenRequests, type NearbyRequest } from './requests.repository.ts';
import { detailsSchema } from './requests.schemas.ts';
import type { Draft } from './requests.service.ts';

declare module 'express-session' {
  interface SessionData {
    /** The new request's first step (where and what), until it is filed. */
    requestDraft?: Draft;
  }
}

export const REQUESTS_HUB_ENTRY: HubEntry = {
  id: 'requests',
  href: '/requests',
  titleKey: 'requests.hub.title',
  descriptionKey: 'requests.hub.description',
  access: 'account',
};

type RequestsService = Services['requests'];

/** Photos a citizen may add to a request at once. */
export const MAX_PHOTOS = 3;

/**
 * /requests: the citizen's requests and complaints; /requests/new in three steps that work
 * without JavaScript (where and what, the near-duplicates, the details); /requests/<ref>.
 */
export function createRequestsRouter(
  deps: Deps,
  requests: RequestsService,
  protectUpload: RequestHandler,
): Router {
  const router = Router();
  router.get('/requests', requireCitizen, listPage(deps));
  router.get('/requests/new', requireCitizen, locationPage(deps));
  router.post('/requests/new', requireCitizen, saveLocation(deps, requests));
  router.get('/requests/new/similar', requireCitizen, similarPage(requests));
  router.post('/requests/follow', requireCitizen, followOne(requests));
  router.get('/requests/new/details', requireCitizen, detailsPage());
  router.post(
    '/requests/new/details',
    requireCitizen,
    photoUpload('photos', MAX_PHOTOS),
    protectUpload,
    file(requests),
  );
  router.get('/requests/:ref', requireCitizen, requestPage(deps));
  router.use(createCitizenUpdatesRouter(deps, requests, protectUpload));
  router.get('/requests/:ref/photos/:photo', requireCitizen, requestPhoto(deps));
  return router;
}

function listPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const rows = await listCitizenRequests(deps.db, req.user!.id);
    res.render('requests/views/list', {
      pageTitle: req.t('requests.list.title'),
      requests: rows.map((row) => ({
        ...formatReference(row),
        title: row.title ?? req.t('requests.untitled'),
        category: pick(row.category_name, req.lang),
        status: req.t(`requests.status.${row.status}`),
        filedOn: formatDate(athensDate(row.created_at), req.lang),
        following: row.following,
      })),
    });
  };
}

function similarPage(requests: RequestsService): RequestHandler {
  return async (req, res) => {
    const draft = req.session.requestDraft;
    if (!draft) return res.redirect(303, '/requests/new');
    const nearby = await requests.nearDuplicates(draft, req.user!.id);
    if (!nearby.length) return res.redirect(303, '/requests/new/details');
    res.render('requests/views/similar', {
      pageTitle: req.t('requests.similar.title'),
      nearby: nearby.map((row) => presentNearby(req, row)),
    });
  };
}

/**
 * A near duplicate as the citizen sees it: of one the department has not made public, only its
 * category, how far, when and its status; of a public one also its title, its place as the
 * public list shows it, and its page there.
 */
function presentNearby(req: Request, row: NearbyRequest) {
  const reference = formatReference(row);
  return {
    id: row.id,
    category: pick(row.category_name, req.lang),
    distance: req.t('requests.similar.distance', { distance: row.distance }),
    status: req.t(`requests.status.${row.status}`),
    filedOn: formatDate(athensDate(row.created_at), req.lang),
    shown: row.public
      ? {
          ...reference,
          href: `${PUBLIC_LIST}/${reference.url}`,
          title: row.title ?? req.t('requests.untitled'),
          area: row.area ?? '',
        }
      : null,
  };
}

function followOne(requests: RequestsService): RequestHandler {
  return async (req, res) => {
    const { id } = formFields(req.body, ['id']);
    const ref = /^[1-9]\d{0,17}$/.test(id)
      ? await requests.followRequest(
          req.user!,
          Number(id),
          req.session.requestDraft,
          auditContext(req),
        )
      : undefined;
    if (!ref) throw new NotFoundError();
    delete req.session.requestDraft;
    req.session.flash = { key: 'requests.similar.following' };
    res.redirect(303, `/requests/${ref}`);
  };
}

function renderDetails(
  req: Request,
  res: Response,
  values: Record<string, string>,
  errors: FieldError[] = [],
) {
  res.status(errors.length ? 400 : 200).render('requests/views/details', {
    pageTitle: req.t('requests.details.title'),
    values,
    ...presentErrors(req, errors),
  });
}

function detailsPage(): RequestHandler {
  return (req, res) => {
    if (!req.session.requestDraft) return res.redirect(303, '/requests/new');
    renderDetails(req, res, { kind: '', title: '', description: '', showName: '' });
  };
}

function file(requests: RequestsService): RequestHandler {
  return async (req, res) => {
    const draft = req.session.requestDraft;
    if (!draft) return res.redirect(303, '/requests/new');
    const values = formFields(req.body, ['kind', 'title', 'description', 'showName']);
    const parsed = parseForm(detailsSchema, values);
    const photoError = res.locals.photoError;
    // A browser never sends a chosen file twice: say so at the field when the photos are lost.
    const sentPhotos = (res.locals.photoFiles ?? []).length > 0;
    if (!parsed.ok || photoError)
      return renderDetails(req, res, values, [
        ...(parsed.ok ? [] : parsed.errors),
        ...(photoError
          ? [photoError]
          : sentPhotos
            ? [{ field: 'photos', key: 'requests.errors.photosAgain' }]
            : []),
      ]);
    const read = await readPhotos(res.locals.photoFiles ?? [], 'photos');
    if ('error' in read) return renderDetails(req, res, values, [read.error]);
    const filed = await requests.fileRequest(
      req.user!,
      { draft, details: parsed.data, lang: req.lang, photos: read.photos },
      auditContext(req),
    );
    if (!filed.ok) return renderDetails(req, res, values, filed.errors);
    delete req.session.requestDraft;
    req.session.flash = {
      key: 'requests.filed',
      params: { dueDate: formatDate(filed.dueDate, req.lang) },
    };
    res.redirect(303, `/requests/${filed.reference}`);
  };
}

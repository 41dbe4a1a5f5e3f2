import type { RequestHandler } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { athensDateTime, formatDate } from '../../lib/format.ts';
import { formatReference, parseReference } from './reference.ts';
import { findCitizenRequest, listPublicEvents } from './requests.repository.ts';
import { listPhotos } from './photos.repository.ts';

/** The citizen's request (theirs, or one they follow): anything else is 404, whatever the reference. */
export function requestPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const ref = parseReference(req.params.ref);
    const request = ref && (await findCitizenRequest(deps.db, ref, req.user!.id));
    if (!request) throw new NotFoundError();
    const [events, photos] = await Promise.all([
      listPublicEvents(deps.db, request.id),
      listPhotos(deps.db, request.id),
    ]);
    const reference = formatReference(request);
    res.render('requests/views/request', {
      pageTitle: reference.display,
      request: {
        ...reference,
        title: request.title ?? req.t('requests.untitled'),
        description: request.description,
        address: request.address ?? '',
        point: request.lat !== null ? `${request.lat}, ${request.lng}` : '',
        kind: req.t(`requests.kinds.${request.kind}`),
        status: req.t(`requests.status.${request.status}`),
        dueDate: formatDate(request.due_date, req.lang),
        following: request.following,
      },
      photos: photos.map((photo, i) => ({
        href: `/requests/${reference.url}/photos/${photo.id}`,
        alt: req.t('requests.request.photoAlt', { n: i + 1 }),
        width: photo.width,
        height: photo.height,
      })),
      events: events.map((event) => ({
        what: req.t(`requests.events.${event.kind}`),
        note: event.public_note ?? '',
        when: athensDateTime(event.created_at),
      })),
    });
  };
}

/** One of the request's photos, to those who may see the request; never cached by others. */
export function requestPhoto(deps: Deps): RequestHandler {
  return async (req, res) => {
    const ref = parseReference(req.params.ref);
    const request = ref && (await findCitizenRequest(deps.db, ref, req.user!.id));
    const id = /^[1-9]\d{0,17}$/.test(String(req.params.photo)) ? Number(req.params.photo) : 0;
    const photo = request && (await listPhotos(deps.db, request.id)).find((p) => p.id === id);
    if (!photo) throw new NotFoundError();
    res.set('Cache-Control', 'private, max-age=3600');
    res.type('image/jpeg').sendFile(deps.documents.pathOf(photo.file));
  };
}

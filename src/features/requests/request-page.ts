import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { presentErrors } from '../../lib/form.ts';
import { athensDateTime, formatDate } from '../../lib/format.ts';
import { isOpen, mayReopen } from './citizen-updates.service.ts';
import { listPhotos, sendRequestPhoto } from './photos.repository.ts';
import { formatReference, parseReference } from './reference.ts';
import { findCitizenRequest, listPublicEvents, type RequestRow } from './requests.repository.ts';

type CitizenRequest = RequestRow & { following: boolean };

/** The request at this address, if the signed-in citizen filed or follows it; 404 otherwise. */
export async function citizenRequestOf(
  deps: Pick<Deps, 'db'>,
  req: Request,
): Promise<CitizenRequest> {
  const ref = parseReference(req.params.ref);
  const request = ref && (await findCitizenRequest(deps.db, ref, req.user!.id));
  if (!request) throw new NotFoundError();
  return request;
}

/** The citizen's request (theirs, or one they follow): anything else is 404, whatever the reference. */
export function requestPage(deps: Deps): RequestHandler {
  return async (req, res) => renderRequestPage(deps, req, res, await citizenRequestOf(deps, req));
}

/** The page, with the comment and reopen forms for the citizen who filed it (and their errors). */
export async function renderRequestPage(
  deps: Deps,
  req: Request,
  res: Response,
  request: CitizenRequest,
  form: { errors?: FieldError[]; values?: Record<string, string> } = {},
): Promise<void> {
  const [events, photos] = await Promise.all([
    listPublicEvents(deps.db, request.id),
    listPhotos(deps.db, request.id),
  ]);
  const reference = formatReference(request);
  const filer = !request.following;
  res.status(form.errors?.length ? 400 : 200).render('requests/views/request', {
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
    canComment: filer && isOpen(request),
    canReopen: filer && mayReopen(request, deps.clock.now()),
    values: form.values ?? { comment: '', reason: '' },
    ...presentErrors(req, form.errors ?? []),
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
}

/** One of the request's photos, to those who may see the request; never cached by others. */
export function requestPhoto(deps: Deps): RequestHandler {
  return async (req, res) => {
    const request = await citizenRequestOf(deps, req);
    await sendRequestPhoto(deps, req, res, request.id);
  };
}

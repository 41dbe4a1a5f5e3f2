import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError, type FieldError } from '../../lib/errors.ts';
import { presentErrors } from '../../lib/form.ts';
import { athensDate, formatDate, formatDateTime } from '../../lib/format.ts';
import { pick } from '../../lib/localized.ts';
import { isOpen, mayReopen } from './citizen-updates.service.ts';
import { listPhotos, sendRequestPhoto } from './photos.repository.ts';
import { publicDocumentLinks } from './staff/documents.present.ts';
import { formatReference, parseReference } from './reference.ts';
import {
  findCitizenRequest,
  findReferenceOf,
  listPublicEvents,
  type CitizenRequestRow,
  type EventRow,
} from './requests.repository.ts';

/** The request at this address, if the signed-in citizen filed or follows it; 404 otherwise. */
export async function citizenRequestOf(
  deps: Pick<Deps, 'db'>,
  req: Request,
): Promise<CitizenRequestRow> {
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
  request: CitizenRequestRow,
  form: { errors?: FieldError[]; values?: Record<string, string> } = {},
): Promise<void> {
  const filer = !request.following;
  // A follower ("me too") sees what the public list would show: not the filer's own words, and
  // of the photos only those a handler approved for the public.
  const [events, photos, original] = await Promise.all([
    listPublicEvents(deps.db, request.id),
    filer
      ? listPhotos(deps.db, request.id)
      : request.public
        ? listPhotos(deps.db, request.id).then((all) => all.filter((p) => p.approved_at))
        : [],
    request.merged_into ? findReferenceOf(deps.db, request.merged_into) : undefined,
  ]);
  const reference = formatReference(request);
  // Publishing is the department's business; a follower does not see the filer's own additions.
  const shown = events.filter(
    (event) =>
      event.kind !== 'visibility' &&
      (filer || !(event.by_citizen && (event.kind === 'comment' || event.kind === 'photo'))),
  );
  const answer = [...events].reverse().find((event) => event.kind === 'answer');
  res.status(form.errors?.length ? 400 : 200).render('requests/views/request', {
    pageTitle: reference.display,
    request: {
      ...reference,
      // A follower already knows roughly where it is (within 50 m of their own point): the
      // filer's exact address and point, and until it is published their title, stay theirs.
      title:
        filer || request.public
          ? (request.title ?? req.t('requests.untitled'))
          : pick(request.category_name, req.lang),
      description: filer || request.public ? request.description : '',
      address: filer ? (request.address ?? '') : '',
      point: filer && request.lat !== null ? `${request.lat}, ${request.lng}` : '',
      kind: req.t(`requests.kinds.${request.kind}`),
      category: pick(request.category_name, req.lang),
      // The filer's own consent; not a follower's business.
      showName: filer
        ? req.t(request.show_name ? 'requests.request.showNameYes' : 'requests.request.showNameNo')
        : '',
      status: req.t(`requests.status.${request.status}`),
      statusKey: request.status,
      open: isOpen(request),
      dueDate: formatDate(request.due_date, req.lang),
      closedAt: request.closed_at ? formatDate(athensDate(request.closed_at), req.lang) : '',
      following: request.following,
    },
    original: original ? formatReference(original) : undefined,
    answer: answer?.public_note
      ? { text: answer.public_note, when: formatDateTime(answer.created_at, req.lang) }
      : undefined,
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
    documents: await publicDocumentLinks(deps.db, request, reference.url),
    events: shown.map((event) => ({
      what: eventLabel(req, event),
      note: filer || !event.by_citizen ? (event.public_note ?? '') : '',
      when: formatDateTime(event.created_at, req.lang),
    })),
  });
}

/** "Status changed to: In progress", "Comment (yours)", "Reopened": what happened, in words. */
function eventLabel(req: Request, event: EventRow): string {
  if (event.kind === 'status' && event.status)
    return req.t('requests.events.statusTo', {
      status: req.t(`requests.status.${event.status}`),
    });
  if (event.by_citizen && (event.kind === 'comment' || event.kind === 'photo'))
    return req.t('requests.events.byYou', { what: req.t(`requests.events.${event.kind}`) });
  return req.t(`requests.events.${event.kind}`);
}

/** One of the request's photos, to those who may see the request; never cached by others. */
export function requestPhoto(deps: Deps): RequestHandler {
  return async (req, res) => {
    const request = await citizenRequestOf(deps, req);
    // A follower sees the photos the public does: of a public request, those a handler approved.
    if (request.following && !request.public) throw new NotFoundError();
    await sendRequestPhoto(deps, req, res, request.id, { approvedOnly: request.following });
  };
}

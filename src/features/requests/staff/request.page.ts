import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, athensDateTime, formatDate } from '../../../lib/format.ts';
import { pick } from '../../../lib/localized.ts';
import { presentErrors } from '../../../lib/form.ts';
import { listPhotos } from '../photos.repository.ts';
import { formatReference } from '../reference.ts';
import {
  findForHandler,
  findMergedInto,
  listCategoriesWithDepartments,
  listStaffEvents,
  type HandledRequest,
} from './handling.repository.ts';
import { SETTABLE_STATUSES } from './handling.schemas.ts';
import { handlersOf } from './recipients.repository.ts';

/** The request's details as the page shows them. */
function details(req: Request, request: HandledRequest, today: string) {
  return {
    ...formatReference(request),
    title: request.title ?? req.t('requests.untitled'),
    description: request.description,
    address: request.address ?? '',
    point: request.lat !== null ? `${request.lat}, ${request.lng}` : '',
    kind: req.t(`requests.kinds.${request.kind}`),
    channel: req.t(`requests.staff.channels.${request.channel}`),
    status: request.status,
    category: pick(request.category_name, req.lang),
    department: pick(request.department_name, req.lang),
    citizen: request.citizen_name ?? '',
    email: request.citizen_email ?? '',
    assignee: request.assignee_name ?? '',
    filedOn: athensDateTime(request.created_at),
    dueDate: formatDate(request.due_date, req.lang),
    overdue:
      request.due_date < today && ['submitted', 'assigned', 'in_progress'].includes(request.status),
    isPublic: request.public,
    mayBePublic: request.may_be_public,
  };
}

/** The move form's choices: every other category, grouped by department. */
async function moveChoices(deps: Pick<Deps, 'db'>, req: Request, request: HandledRequest) {
  const categories = await listCategoriesWithDepartments(deps.db);
  const groups = new Map<string, { value: string; text: string }[]>();
  for (const c of categories) {
    if (c.id === request.category_id) continue;
    const label = pick(c.department_name, req.lang);
    groups.set(label, [
      ...(groups.get(label) ?? []),
      { value: String(c.id), text: pick(c.name, req.lang) },
    ]);
  }
  return [...groups].map(([label, options]) => ({ label, options }));
}

/**
 * A request of the handler's departments, with its timeline (internal notes included) and a form
 * per action; a form sent back with errors is shown again with its values and messages.
 */
export async function renderRequest(
  deps: Pick<Deps, 'db' | 'clock'>,
  req: Request,
  res: Response,
  ref: { year: number; number: number },
  form: { errors?: FieldError[]; values?: Record<string, string> } = {},
): Promise<void> {
  const request = await findForHandler(deps.db, ref, req.user!.id);
  if (!request) throw new NotFoundError();
  const [events, photos, handlers, groups, mergedInto] = await Promise.all([
    listStaffEvents(deps.db, request.id),
    listPhotos(deps.db, request.id),
    handlersOf(deps.db, request.department_id),
    moveChoices(deps, req, request),
    request.merged_into ? findMergedInto(deps.db, request.merged_into) : undefined,
  ]);
  const errors = form.errors ?? [];
  res.status(errors.length ? 400 : 200).render('requests/staff/views/request', {
    pageTitle: formatReference(request).display,
    request: details(req, request, athensDate(deps.clock.now())),
    mergedInto: mergedInto ? formatReference(mergedInto) : null,
    me: req.user!.id,
    handlers,
    statuses: SETTABLE_STATUSES,
    groups,
    photos: photos.map((p, i) => ({
      n: i + 1,
      href: `/staff/requests/${formatReference(request).url}/photos/${p.id}`,
      width: p.width,
      height: p.height,
      size: `${p.width} × ${p.height}`,
      kb: Math.round(p.bytes / 1024),
    })),
    events: events.map((event) => ({
      what: req.t(`requests.events.${event.kind}`),
      status: event.status ? req.t(`requests.status.${event.status}`) : '',
      who: event.actor_name ?? '',
      byCitizen: event.by_citizen,
      publicNote: event.public_note ?? '',
      internalNote: event.internal_note ?? '',
      when: athensDateTime(event.created_at),
      iso: event.created_at.toISOString(),
    })),
    values: form.values ?? {},
    ...presentErrors(req, errors),
  });
}

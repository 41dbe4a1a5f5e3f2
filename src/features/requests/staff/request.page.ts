import type { Request, Response } from 'express';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime, kilobytes } from '../../../lib/format.ts';
import { pick } from '../../../lib/localized.ts';
import { presentErrors } from '../../../lib/form.ts';
import { findFilingApp } from '../../open311/filing-app.repository.ts';
import { listPhotos } from '../photos.repository.ts';
import { findRecordingOf, type RecordingRow } from '../recordings.repository.ts';
import { formatReference } from '../reference.ts';
import { listDocuments } from './documents.repository.ts';
import {
  findForHandler,
  findMergedInto,
  listCategoriesWithDepartments,
  listStaffEvents,
  type HandledRequest,
  type StaffEventRow,
} from './handling.repository.ts';
import { SETTABLE_STATUSES } from './handling.schemas.ts';
import { handlersOf } from './recipients.repository.ts';
import { templatesForCategory, type ReplyTemplateRow } from './templates.repository.ts';
import { mayGiveTitleAndPlace } from './title-place.service.ts';

/** Kinds whose own name already says the status they set: the status is not repeated beside it. */
const STATUS_IN_NAME: Readonly<Record<string, string>> = {
  submitted: 'submitted',
  assigned: 'assigned',
  answer: 'answered',
  merged: 'merged',
  withdrawn: 'closed',
};

/** The request's details as the page shows them; `app`: the Open311 app that filed it. */
function details(req: Request, request: HandledRequest, today: string, app: string | undefined) {
  return {
    ...formatReference(request),
    title: request.title ?? req.t('requests.untitled'),
    // A phone request has none until its handler gives it one (and is not published till then).
    untitled: request.title === null,
    description: request.description,
    address: request.address ?? '',
    point: request.lat !== null ? `${request.lat}, ${request.lng}` : '',
    kind: req.t(`requests.kinds.${request.kind}`),
    channel: app
      ? req.t('requests.staff.request.filedThrough', { app })
      : req.t(`requests.staff.channels.${request.channel}`),
    status: request.status,
    category: pick(request.category_name, req.lang),
    department: pick(request.department_name, req.lang),
    citizen: request.citizen_name ?? '',
    email: request.citizen_email ?? '',
    assignee: request.assignee_name ?? '',
    filedOn: formatDateTime(request.created_at, req.lang),
    dueDate: formatDate(request.due_date, req.lang),
    // Overdue only while the department still owes an answer: never once answered or closed.
    overdue:
      request.due_date < today && ['submitted', 'assigned', 'in_progress'].includes(request.status),
    closed: request.status === 'closed',
    closedOn:
      request.status === 'closed' && request.closed_at
        ? formatDateTime(request.closed_at, req.lang)
        : '',
    isPublic: request.public,
    mayBePublic: request.may_be_public,
    // Whether the public list may name the citizen, should the request be published.
    showName: request.show_name,
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

/** The reply templates offered, titled in the page's language, each text in the citizen's. */
function templateChoices(req: Request, request: HandledRequest, templates: ReplyTemplateRow[]) {
  const english = request.citizen_lang === 'en';
  return templates.map((t) => ({
    value: String(t.id),
    text: req.lang === 'en' && t.title_en ? t.title_en : t.title_el,
    body: english && t.body_en ? t.body_en : t.body_el,
  }));
}

/** A timeline entry as the page shows it (the status only where the entry's name does not say it). */
function eventView(req: Request, request: HandledRequest, event: StaffEventRow) {
  const repeated = event.status && STATUS_IN_NAME[event.kind] === event.status;
  return {
    what: req.t(`requests.events.${event.kind}`),
    status: event.status && !repeated ? req.t(`requests.status.${event.status}`) : '',
    who: event.actor_name ?? '',
    byCitizen: event.by_citizen,
    publicNote: event.document_id ? '' : (event.public_note ?? ''),
    internalNote: event.internal_note ?? '',
    document: event.document_id
      ? {
          name: event.document_name ?? '',
          href: `/staff/requests/${formatReference(request).url}/documents/${event.document_id}`,
          internal: !event.document_public,
        }
      : null,
    when: formatDateTime(event.created_at, req.lang),
    iso: event.created_at.toISOString(),
  };
}

/**
 * A phone request's recording: a player once fetched, or what became of it; null for a request
 * filed otherwise.
 */
function recordingView(req: Request, request: HandledRequest, row: RecordingRow | undefined) {
  if (request.channel !== 'phone') return null;
  if (!row) return { state: 'none' as const };
  if (!row.fetched_at) return { state: row.failed_at ? ('failed' as const) : ('pending' as const) };
  return {
    state: 'ready' as const,
    href: `/staff/requests/${formatReference(request).url}/recording`,
    length: req.t('requests.staff.recording.duration', { count: row.duration_seconds }),
  };
}

/**
 * The title and place form, for a request whose title and place are the handler's to give (a
 * phone one, or any with no title; not a merged one): filled with what the request has, or with
 * what was sent back with errors.
 */
function titlePlaceView(request: HandledRequest, values: Record<string, string>) {
  if (request.status === 'merged' || !mayGiveTitleAndPlace(request)) return null;
  return {
    byPhone: request.channel === 'phone',
    values: {
      title: values.title ?? request.title ?? '',
      address: values.address ?? request.address ?? '',
      lat: values.lat ?? (request.lat === null ? '' : String(request.lat)),
      lng: values.lng ?? (request.lng === null ? '' : String(request.lng)),
    },
  };
}

/**
 * A request of the handler's departments, with its timeline (internal notes and documents
 * included) and a form per action; a form sent back with errors is shown again with its values
 * and messages. `template`: the reply template chosen without JavaScript (?template=), whose text
 * fills the answer.
 */
export async function renderRequest(
  deps: Pick<Deps, 'db' | 'clock'>,
  req: Request,
  res: Response,
  ref: { year: number; number: number },
  form: { errors?: FieldError[]; values?: Record<string, string>; template?: string } = {},
): Promise<void> {
  const request = await findForHandler(deps.db, ref, req.user!.id);
  if (!request) throw new NotFoundError();
  const [events, photos, handlers, groups, mergedInto, documents, templates, app, recording] =
    await Promise.all([
      listStaffEvents(deps.db, request.id),
      listPhotos(deps.db, request.id),
      handlersOf(deps.db, request.department_id),
      moveChoices(deps, req, request),
      request.merged_into ? findMergedInto(deps.db, request.merged_into) : undefined,
      listDocuments(deps.db, request.id),
      templatesForCategory(deps.db, request.category_id),
      request.channel === 'api' ? findFilingApp(deps.db, request.id) : undefined,
      request.channel === 'phone' ? findRecordingOf(deps.db, request.id) : undefined,
    ]);
  const errors = [...(form.errors ?? [])];
  const values = { ...form.values };
  const choices = templateChoices(req, request, templates);
  // A closed or merged request has no answer form to fill: the choice is ignored there.
  if (form.template !== undefined && !['closed', 'merged'].includes(request.status)) {
    const chosen = choices.find((c) => c.value === form.template);
    if (chosen) Object.assign(values, { template: chosen.value, answer: chosen.body });
    else errors.push({ field: 'template', key: 'requests.staff.answer.errors.template' });
  }
  const url = formatReference(request).url;
  res.status(errors.length ? 400 : 200).render('requests/staff/views/request', {
    pageTitle: formatReference(request).display,
    request: details(req, request, athensDate(deps.clock.now()), app),
    mergedInto: mergedInto ? formatReference(mergedInto) : null,
    me: req.user!.id,
    handlers,
    statuses: SETTABLE_STATUSES,
    groups,
    templates: choices,
    documents: documents.map((d) => ({
      name: d.original_name,
      href: `/staff/requests/${url}/documents/${d.id}`,
      kb: kilobytes(d.size),
      internal: !d.public,
    })),
    photos: photos.map((p, i) => ({
      id: p.id,
      approved: p.approved_at !== null,
      n: i + 1,
      href: `/staff/requests/${url}/photos/${p.id}`,
      width: p.width,
      height: p.height,
      size: `${p.width} × ${p.height}`,
      kb: kilobytes(p.bytes),
    })),
    recording: recordingView(req, request, recording),
    titlePlace: titlePlaceView(request, values),
    events: events.map((event) => eventView(req, request, event)),
    values,
    ...presentErrors(req, errors),
  });
}

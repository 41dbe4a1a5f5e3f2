import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { formatReference, parseTypedReference } from '../reference.ts';
import { insertEvent, type RequestStatus } from '../requests.repository.ts';
import {
  copyFollowers,
  findForHandler,
  handlersOf,
  listCategoriesWithDepartments,
  updateRequest,
  type HandledRequest,
} from './handling.repository.ts';
import { tellCitizens } from './handling.notify.ts';

type HandlingDeps = Pick<Deps, 'db' | 'mailer' | 'clock'>;
type Ref = { year: number; number: number };
type Handler = { id: number };

const DONE: readonly RequestStatus[] = ['answered', 'closed'];

/**
 * Runs one action on a request of the handler's departments, in one transaction with the row
 * locked; a request of another department is not found (404), whatever the action. A merged
 * request takes no more actions: the message goes to `field`.
 */
async function onRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  field: string,
  action: (trx: Knex.Transaction, request: HandledRequest) => Promise<FieldError[]>,
): Promise<FieldError[]> {
  return deps.db.transaction(async (trx) => {
    const request = await findForHandler(trx, ref, handler.id, { lock: true });
    if (!request) throw new NotFoundError();
    if (request.status === 'merged') return [{ field, key: 'requests.staff.errors.merged' }];
    return action(trx, request);
  });
}

const audit = (
  trx: Knex.Transaction,
  action: string,
  handler: Handler,
  request: HandledRequest,
  details: Record<string, unknown>,
  context: AuditContext,
) =>
  recordAudit(
    trx,
    {
      action,
      userId: request.user_id,
      actorId: handler.id,
      entity: { type: 'request', id: request.id },
      details: { reference: formatReference(request).url, ...details },
    },
    context,
  );

/** Assigns the request to a handler of its department (a submitted request becomes assigned). */
export async function assignRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { assignee: number },
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequest(deps, handler, ref, 'assignee', async (trx, request) => {
    const handlers = await handlersOf(trx, request.department_id);
    if (!handlers.some((h) => h.id === input.assignee))
      return [{ field: 'assignee', key: 'requests.staff.errors.assignee' }];
    const status = request.status === 'submitted' ? 'assigned' : request.status;
    await updateRequest(trx, request.id, { assignee_id: input.assignee, status });
    await insertEvent(trx, { request_id: request.id, kind: 'assigned', status, actor_id: handler.id });
    await audit(trx, 'request.assigned', handler, request, { assigneeId: input.assignee }, context);
    return [];
  });
}

/** A new status with a note for the citizen (emailed) and one for staff only (never sent). */
export async function changeStatus(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { status: RequestStatus; publicNote: string; internalNote: string | null },
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequest(deps, handler, ref, 'status', async (trx, request) => {
    const reopened = DONE.includes(request.status) && !DONE.includes(input.status);
    const closedAt = input.status === 'closed' ? deps.clock.now() : null;
    await updateRequest(trx, request.id, { status: input.status, closed_at: closedAt });
    await insertEvent(trx, {
      request_id: request.id,
      kind: reopened ? 'reopened' : 'status',
      status: input.status,
      actor_id: handler.id,
      public_note: input.publicNote,
      internal_note: input.internalNote,
    });
    await audit(
      trx,
      'request.status_changed',
      handler,
      request,
      { from: request.status, to: input.status },
      context,
    );
    await tellCitizens(deps, trx, request, {
      change: reopened ? 'reopened' : 'status',
      status: input.status,
      note: input.publicNote,
    });
    return [];
  });
}

/** The official answer: a public event of its own; the request becomes answered. */
export async function answerRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { answer: string },
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequest(deps, handler, ref, 'answer', async (trx, request) => {
    await updateRequest(trx, request.id, { status: 'answered', closed_at: null });
    await insertEvent(trx, {
      request_id: request.id,
      kind: 'answer',
      status: 'answered',
      actor_id: handler.id,
      public_note: input.answer,
    });
    await audit(trx, 'request.answered', handler, request, {}, context);
    await tellCitizens(deps, trx, request, {
      change: 'answer',
      status: 'answered',
      note: input.answer,
    });
    return [];
  });
}

/**
 * Folds a duplicate into its original (one of the handler's departments' requests): its citizen and
 * followers follow the original from now on and are told so.
 */
export async function mergeRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { target: string; mergeNote: string | null },
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequest(deps, handler, ref, 'target', async (trx, request) => {
    const targetRef = parseTypedReference(input.target);
    const target = targetRef && (await findForHandler(trx, targetRef, handler.id));
    if (!target) return [{ field: 'target', key: 'requests.staff.errors.targetUnknown' }];
    if (target.id === request.id)
      return [{ field: 'target', key: 'requests.staff.errors.targetSelf' }];
    if (target.status === 'merged')
      return [{ field: 'target', key: 'requests.staff.errors.targetMerged' }];
    const original = formatReference(target).display;
    await updateRequest(trx, request.id, { status: 'merged', merged_into: target.id });
    await insertEvent(trx, {
      request_id: request.id,
      kind: 'merged',
      status: 'merged',
      actor_id: handler.id,
      public_note: input.mergeNote,
    });
    await audit(trx, 'request.merged', handler, request, { into: formatReference(target).url }, context);
    await tellCitizens(deps, trx, request, {
      change: 'merged',
      status: 'merged',
      note: input.mergeNote,
      original,
    });
    await copyFollowers(trx, request.id, target.id, request.user_id);
    return [];
  });
}

/**
 * Moves the request to another category, and with it to that category's department (a move to
 * another department leaves it unassigned). `stillVisible`: whether the handler still sees it.
 */
export async function moveRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { category: number; moveNote: string | null },
  context: AuditContext,
): Promise<{ errors: FieldError[]; stillVisible: boolean }> {
  let stillVisible = true;
  const errors = await onRequest(deps, handler, ref, 'category', async (trx, request) => {
    const category = (await listCategoriesWithDepartments(trx)).find((c) => c.id === input.category);
    if (!category) return [{ field: 'category', key: 'requests.staff.errors.category' }];
    if (category.id === request.category_id)
      return [{ field: 'category', key: 'requests.staff.errors.sameCategory' }];
    const otherDepartment = category.department_id !== request.department_id;
    await updateRequest(trx, request.id, {
      category_id: category.id,
      department_id: category.department_id,
      ...(otherDepartment
        ? {
            assignee_id: null,
            status: request.status === 'assigned' ? 'submitted' : request.status,
          }
        : {}),
    });
    await insertEvent(trx, {
      request_id: request.id,
      kind: 'moved',
      actor_id: handler.id,
      public_note: input.moveNote,
    });
    const details = { fromCategory: request.category_id, toCategory: category.id };
    await audit(trx, 'request.moved', handler, request, details, context);
    await tellCitizens(deps, trx, request, {
      change: 'moved',
      status: request.status,
      note: input.moveNote,
      department: category.department_name,
    });
    stillVisible = Boolean(await findForHandler(trx, ref, handler.id));
    return [];
  });
  return { errors, stillVisible };
}

/** Whether the next issue's public list may show it (only if its category may be public). */
export async function setVisibility(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { public: boolean },
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequest(deps, handler, ref, 'public', async (trx, request) => {
    if (input.public && !request.may_be_public)
      return [{ field: 'public', key: 'requests.staff.errors.notPublic' }];
    await updateRequest(trx, request.id, { public: input.public });
    await insertEvent(trx, { request_id: request.id, kind: 'visibility', actor_id: handler.id });
    await audit(trx, 'request.visibility_changed', handler, request, { public: input.public }, context);
    return [];
  });
}

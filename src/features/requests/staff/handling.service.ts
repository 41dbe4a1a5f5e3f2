import type { Knex } from 'knex';
import type { Deps } from '../../../deps.ts';
import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import { recordAudit, type AuditContext } from '../../audit/audit.repository.ts';
import { formatReference } from '../reference.ts';
import { insertEvent, type RequestStatus } from '../requests.repository.ts';
import { findForHandler, updateRequest, type HandledRequest } from './handling.repository.ts';
import { tellCitizens } from './handling.notify.ts';
import { handlersOf } from './recipients.repository.ts';

export type HandlingDeps = Pick<Deps, 'db' | 'mailer' | 'clock'>;
export type Ref = { year: number; number: number };
export type Handler = { id: number };

const DONE: readonly RequestStatus[] = ['answered', 'closed'];

type Action = (trx: Knex.Transaction, request: HandledRequest) => Promise<FieldError[]>;

/**
 * Runs one action on a request of the handler's departments, in one transaction with the row
 * locked; a request of another department is not found (404), whatever the action. A merged
 * request takes no more actions, nor does a closed one (it is reopened by a new status first):
 * the message goes to `field`.
 */
export async function onRequest(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  field: string,
  action: Action,
  options: { whenClosed?: boolean } = {},
): Promise<FieldError[]> {
  return deps.db.transaction(async (trx) => {
    const request = await findForHandler(trx, ref, handler.id, { lock: true });
    if (!request) throw new NotFoundError();
    if (request.status === 'merged') return [{ field, key: 'requests.staff.errors.merged' }];
    // Said at the status form, the one way forward a closed request's page offers.
    if (request.status === 'closed' && !options.whenClosed)
      return [{ field: 'status', key: 'requests.staff.errors.closed' }];
    return action(trx, request);
  });
}

/** As onRequest, for what a closed request still takes: a new status, its visibility, a document. */
export const onRequestOpenOrClosed = (
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  field: string,
  action: Action,
) => onRequest(deps, handler, ref, field, action, { whenClosed: true });

export const audit = (
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
    if (request.assignee_id === input.assignee)
      return [{ field: 'assignee', key: 'requests.staff.errors.alreadyAssigned' }];
    const status = request.status === 'submitted' ? 'assigned' : request.status;
    await updateRequest(trx, request.id, { assignee_id: input.assignee, status });
    await insertEvent(trx, {
      request_id: request.id,
      kind: 'assigned',
      status,
      actor_id: handler.id,
    });
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
  return onRequestOpenOrClosed(deps, handler, ref, 'status', async (trx, request) => {
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

import type { FieldError } from '../../../lib/errors.ts';
import type { AuditContext } from '../../audit/audit.repository.ts';
import { formatReference, parseTypedReference } from '../reference.ts';
import { insertEvent } from '../requests.repository.ts';
import {
  copyFollowers,
  findForHandler,
  listCategoriesWithDepartments,
  updateRequest,
} from './handling.repository.ts';
import { tellCitizens } from './handling.notify.ts';
import {
  audit,
  onRequest,
  onRequestOpenOrClosed,
  type Handler,
  type HandlingDeps,
  type Ref,
} from './handling.service.ts';

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
    await audit(
      trx,
      'request.merged',
      handler,
      request,
      { into: formatReference(target).url },
      context,
    );
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
    const category = (await listCategoriesWithDepartments(trx)).find(
      (c) => c.id === input.category,
    );
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
  return onRequestOpenOrClosed(deps, handler, ref, 'public', async (trx, request) => {
    if (input.public && !request.may_be_public)
      return [{ field: 'public', key: 'requests.staff.errors.notPublic' }];
    // A phone request has no title until its handler gives it one: the public list needs one.
    if (input.public && request.title === null)
      return [{ field: 'public', key: 'requests.staff.errors.noTitle' }];
    await updateRequest(trx, request.id, { public: input.public });
    await insertEvent(trx, { request_id: request.id, kind: 'visibility', actor_id: handler.id });
    await audit(
      trx,
      'request.visibility_changed',
      handler,
      request,
      { public: input.public },
      context,
    );
    return [];
  });
}

import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import type { ProcessedPhoto } from '../../lib/photos.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import { insertPhotos } from './photos.repository.ts';
import { insertEvent, type RequestRow } from './requests.repository.ts';
import { removeStoredPhotos, storePhotos } from './stored-photos.ts';
import { tellHandlersOfCitizen } from './staff/citizen-activity.notify.ts';
import { tellCitizens } from './staff/handling.notify.ts';

/** How long after closing the citizen who filed a request may reopen it. */
export const REOPEN_DAYS = 30;

type Result = { ok: true } | { ok: false; errors: FieldError[] };
type UpdateDeps = Pick<Deps, 'db' | 'clock' | 'mailer' | 'documents'>;

/** Whether the request is still open to comments and photos from its citizen. */
export function isOpen(request: Pick<RequestRow, 'status'>): boolean {
  return request.status !== 'closed' && request.status !== 'merged';
}

/** Whether its citizen may still reopen it: closed, and not more than 30 days ago. */
export function mayReopen(request: Pick<RequestRow, 'status' | 'closed_at'>, now: Date): boolean {
  return (
    request.status === 'closed' &&
    request.closed_at !== null &&
    now.getTime() - request.closed_at.getTime() <= REOPEN_DAYS * 86_400_000
  );
}

/** The citizen who filed an open request adds a comment and/or photos to its timeline. */
export async function addComment(
  deps: UpdateDeps,
  user: UserRow,
  request: RequestRow & { assignee_id?: number | null },
  input: { text: string; photos: readonly ProcessedPhoto[] },
  context: AuditContext,
): Promise<Result> {
  if (request.user_id !== user.id || !isOpen(request))
    return { ok: false, errors: [{ field: 'comment', key: 'requests.errors.closed' }] };
  if (!input.text && !input.photos.length)
    return { ok: false, errors: [{ field: 'comment', key: 'requests.errors.emptyComment' }] };
  const photos = await storePhotos(deps, input.photos);
  await deps.db
    .transaction(async (trx) => {
      const eventId = await insertEvent(trx, {
        request_id: request.id,
        kind: input.text ? 'comment' : 'photo',
        actor_id: user.id,
        by_citizen: true,
        public_note: input.text || null,
      });
      await insertPhotos(trx, request.id, eventId, photos);
      await trx('requests').where({ id: request.id }).update({ updated_at: deps.clock.now() });
      await recordAudit(
        trx,
        { action: 'request.commented', userId: user.id, details: { requestId: request.id } },
        context,
      );
      await tellHandlersOfCitizen(deps, trx, request, {
        what: input.text ? 'comment' : 'photo',
        text: input.text,
      });
    })
    .catch(async (error: unknown) => {
      await removeStoredPhotos(deps, photos);
      throw error;
    });
  return { ok: true };
}

/** Reopens a closed request with the citizen's reason; its department sees it again. */
export async function reopenRequest(
  deps: UpdateDeps,
  user: UserRow,
  request: RequestRow & { assignee_id?: number | null },
  reason: string,
  context: AuditContext,
): Promise<Result> {
  const now = deps.clock.now();
  if (request.user_id !== user.id || !mayReopen(request, now))
    return { ok: false, errors: [{ field: 'reason', key: 'requests.errors.reopenTooLate' }] };
  if (!reason) return { ok: false, errors: [{ field: 'reason', key: 'requests.errors.reason' }] };
  const status = request.assignee_id ? 'assigned' : 'submitted';
  await deps.db.transaction(async (trx) => {
    await trx('requests')
      .where({ id: request.id, status: 'closed' })
      .update({ status, closed_at: null, updated_at: now });
    await insertEvent(trx, {
      request_id: request.id,
      kind: 'reopened',
      status,
      actor_id: user.id,
      by_citizen: true,
      public_note: reason,
    });
    await recordAudit(
      trx,
      { action: 'request.reopened', userId: user.id, details: { requestId: request.id } },
      context,
    );
    await tellHandlersOfCitizen(deps, trx, request, { what: 'reopened', text: reason });
    await tellCitizens(deps, trx, request, {
      change: 'reopened',
      status,
      note: reason,
      byCitizen: true,
    });
  });
  return { ok: true };
}

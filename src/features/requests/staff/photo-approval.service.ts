import { NotFoundError, type FieldError } from '../../../lib/errors.ts';
import type { AuditContext } from '../../audit/audit.repository.ts';
import { setPhotoApproval } from '../photos.repository.ts';
import {
  audit,
  onRequestOpenOrClosed,
  type Handler,
  type HandlingDeps,
  type Ref,
} from './handling.service.ts';

/**
 * A handler approves one of the request's photos for the public list, or withdraws the approval:
 * only approved photos are ever shown there (and only while the request is public). Allowed on a
 * closed request too (the list shows those closed lately); a photo of another request is 404.
 */
async function decide(
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { photo: number },
  context: AuditContext,
  approved: boolean,
): Promise<FieldError[]> {
  return onRequestOpenOrClosed(deps, handler, ref, 'photos', async (trx, request) => {
    const approval = approved ? { at: deps.clock.now(), by: handler.id } : null;
    if (!(await setPhotoApproval(trx, request.id, input.photo, approval)))
      throw new NotFoundError();
    const action = approved ? 'request.photo_approved' : 'request.photo_withdrawn';
    await audit(trx, action, handler, request, { photoId: input.photo }, context);
    return [];
  });
}

export const approvePhoto = (
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { photo: number },
  context: AuditContext,
) => decide(deps, handler, ref, input, context, true);

export const withdrawPhotoApproval = (
  deps: HandlingDeps,
  handler: Handler,
  ref: Ref,
  input: { photo: number },
  context: AuditContext,
) => decide(deps, handler, ref, input, context, false);

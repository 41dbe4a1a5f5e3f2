import type { Deps } from '../../deps.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import { formatReference } from './reference.ts';
import { findNearbyOpen, follow, type NearbyRequest } from './requests.repository.ts';
import type { Draft } from './requests.service.ts';

/** Near-duplicates: open requests of the same category within this many metres. */
export const DUPLICATE_RADIUS_METRES = 50;

/** Open requests of the draft's category near its point (none without a point). */
export async function nearDuplicates(
  deps: Pick<Deps, 'db'>,
  draft: Draft,
  /** The citizen asking: their own requests are not offered to follow. */
  userId?: number,
): Promise<NearbyRequest[]> {
  if (draft.lat === null || draft.lng === null) return [];
  return findNearbyOpen(
    deps.db,
    { lat: draft.lat, lng: draft.lng, categoryId: draft.categoryId, excludeUserId: userId },
    DUPLICATE_RADIUS_METRES,
  );
}

/**
 * "Me too": the citizen follows an open request instead of filing it again: only one that the
 * near-duplicates step offers for their draft (the same rule and query); any other id is
 * undefined (a 404: which ids exist is not told) and nothing is recorded.
 */
export async function followRequest(
  deps: Pick<Deps, 'db'>,
  user: UserRow,
  requestId: number,
  draft: Draft | undefined,
  context: AuditContext,
): Promise<string | undefined> {
  if (!draft) return undefined;
  const offered = await nearDuplicates(deps, draft, user.id);
  const request = offered.find((row) => row.id === requestId);
  if (!request) return undefined;
  await deps.db.transaction(async (trx) => {
    await follow(trx, request.id, user.id);
    await recordAudit(
      trx,
      { action: 'request.followed', userId: user.id, details: { requestId: request.id } },
      context,
    );
  });
  return formatReference(request).url;
}

import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import { changes, type AuditContext } from '../../audit/audit.repository.ts';
import type { RequestRow } from '../requests.repository.ts';
import { outsideArea } from '../requests.service.ts';
import { updateRequest } from './handling.repository.ts';
import {
  audit,
  onRequestOpenOrClosed,
  type Handler,
  type HandlingDeps,
  type Ref,
} from './handling.service.ts';

export interface TitleAndPlace {
  title: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
}

/**
 * Whether the handler gives the request its title and place: a phone request's are the
 * handler's words (its caller left a recording; the handler may correct them later too), as is
 * any request's with no title (only a phone one has none). A request filed on the web or through
 * an app keeps the citizen's own words, as they wrote them.
 */
export function mayGiveTitleAndPlace(request: Pick<RequestRow, 'channel' | 'title'>): boolean {
  return request.channel === 'phone' || request.title === null;
}

/**
 * Gives a request of the handler's departments its title, address and point (a closed one too,
 * so that it can still be published): audited with what changed before and after. Nothing
 * changed: nothing is written. The requests table announces the write (work_changed), so the kept
 * queues and public pages are made again.
 */
export async function setTitleAndPlace(
  deps: HandlingDeps & Pick<Deps, 'config'>,
  handler: Handler,
  ref: Ref,
  input: TitleAndPlace,
  context: AuditContext,
): Promise<FieldError[]> {
  return onRequestOpenOrClosed(deps, handler, ref, 'title', async (trx, request) => {
    if (!mayGiveTitleAndPlace(request))
      return [{ field: 'title', key: 'requests.staff.errors.citizensOwn' }];
    if (input.lat !== null && input.lng !== null && outsideArea(deps, input.lat, input.lng))
      return [{ field: 'lat', key: 'requests.errors.outside' }];
    const after = { title: input.title, address: input.address, lat: input.lat, lng: input.lng };
    const changed = changes(
      { title: request.title, address: request.address, lat: request.lat, lng: request.lng },
      after,
    );
    if (!Object.keys(changed).length) return [];
    await updateRequest(trx, request.id, after);
    await audit(trx, 'request.title_place_set', handler, request, { changes: changed }, context);
    return [];
  });
}

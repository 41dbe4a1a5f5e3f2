import type { Request } from 'express';
import type { UserRow } from '../accounts/users.repository.ts';
import type { HubEntry } from './hub-entry.ts';

export type ServiceState = 'open' | 'signIn' | 'needsVerification';

/** Each service's state for this visitor: open, needs sign-in, or needs the in-person identity check. */
export function serviceStates(
  req: Request,
  entries: readonly HubEntry[],
  user: UserRow | null | undefined,
) {
  return entries.map((entry) => {
    let state: ServiceState = 'open';
    // A password session is asked to confirm with TaxisNet on the service's own page.
    if ((entry.access === 'account' || entry.access === 'taxisnet') && !user) state = 'signIn';
    if (entry.access === 'verified')
      state = !user ? 'signIn' : user.identity_verified_at ? 'open' : 'needsVerification';
    return {
      id: entry.id,
      href: entry.href,
      title: req.t(entry.titleKey),
      description: req.t(entry.descriptionKey),
      access: entry.access,
      accessLabel: req.t(`access.${entry.access}`),
      state,
      stateLabel: req.t(`hub.state.${state}`),
    };
  });
}

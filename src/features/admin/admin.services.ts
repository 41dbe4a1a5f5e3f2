import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { acceptInvite, checkInvite, invite } from './staff/staff-invites.service.ts';
import { findStaffUser, listStaff, setDisabled, setRoles } from './staff/staff-users.service.ts';

/** Staff accounts: the list, roles, disabling, invitations. */
export function adminServices(deps: Deps) {
  return {
    staffUsers: bindDeps(deps, {
      listStaff,
      findStaffUser,
      setRoles,
      setDisabled,
      invite,
      checkInvite,
      acceptInvite,
    }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof adminServices> {}
}

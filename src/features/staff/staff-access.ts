import type { Router } from 'express';
import type { Role } from '../accounts/users.repository.ts';

/** A part of the back office and the role it needs: every route of `router` is behind that role. */
export interface StaffSection {
  prefix: string;
  role: Role;
  navKey: string;
  router: Router;
}

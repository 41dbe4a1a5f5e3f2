import type { Router } from 'express';

/** A part of the back office and the role it needs: every route of `router` is behind that role. */
export interface StaffSection {
  prefix: string;
  role: string;
  navKey?: string;
  router: Router;
}

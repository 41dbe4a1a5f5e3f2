import type { RequestHandler, Router } from 'express';
import { ForbiddenError } from '../../lib/errors.ts';
import type { Role } from '../accounts/users.repository.ts';

/** A part of the back office and the role it needs: every route of `router` is behind that role. */
export interface StaffSection {
  prefix: string;
  role: Role;
  navKey: string;
  router: Router;
}

/** Anyone with a staff role; anonymous visitors go to sign-in, citizens get 403. */
export const requireStaff: RequestHandler = (req, res, next) => {
  if (!req.user) {
    res.redirect(
      303,
      req.method === 'GET' ? `/login?next=${encodeURIComponent(req.originalUrl)}` : '/login',
    );
    return;
  }
  if (req.user.roles.length === 0) {
    next(new ForbiddenError());
    return;
  }
  next();
};

export function requireStaffRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (req.user?.roles.includes(role)) next();
    else next(new ForbiddenError());
  };
}
